import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Role } from '../../src/access/roles.js';
import { type DevRealm, loadDevRealm } from '../../src/auth/dev-realm.js';
import { mintToken, type TokenRequest } from '../../src/auth/mint-token.js';
import { keycloakVerifier, type TokenVerifier } from '../../src/auth/token-verifier.js';

/** The districts of the demo registry and the test fixtures. */
export const TEST_DISTRICTS = ['320102', '320104', '320106'];

/** Every department role across the test districts: with a purpose, every classified field in full. */
export const ALL_DEPARTMENTS: TokenRequest = {
  roles: ['dept-police', 'dept-civil-affairs', 'dept-governance', 'dept-city-management', 'dept-market-regulation'] satisfies Role[],
  districts: TEST_DISTRICTS,
  subject: 'test-all-departments',
};

/** A development realm of its own in a temporary folder, and a verifier for it: real keys, real keycloak-connect checks. */
export interface TestRealm {
  readonly realm: DevRealm;
  readonly verifier: TokenVerifier;
  token(request: TokenRequest): Promise<string>;
}

let shared: TestRealm | undefined;

export function testRealm(): TestRealm {
  if (shared === undefined) {
    const realm = loadDevRealm(fs.mkdtempSync(path.join(os.tmpdir(), 'gridgraph-realm-')));
    shared = { realm, verifier: keycloakVerifier(realm.settings), token: (request) => mintToken(realm, request) };
  }
  return shared;
}
