import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ROLES, type RoleTable } from '../access/roles.js';
import type { KeycloakSettings } from './token-verifier.js';

/**
 * The development realm of the embedded default (docs/design.md §5.1): a realm
 * key pair kept in the data folder, so tokens minted by `gridgraph token` verify
 * in `npm start` exactly as a real Keycloak's would — same shape, same checks —
 * and the realm roles of the installation, as the Keycloak export has them.
 */
export interface DevRealm {
  readonly settings: KeycloakSettings;
  /** `<auth server>/realms/<realm>`: every token's `iss`. */
  readonly issuer: string;
  readonly privateKey: KeyObject;
  /** The key id tokens name in their header. */
  readonly keyId: string;
  /** Its realm roles: the fixed ones and one `dept-<name>` per installed connector (`ROLES`). */
  readonly roles: RoleTable;
}

/** Never contacted: the development realm's keys are local, and this URL only names the issuer. */
const DEV_AUTH_SERVER_URL = 'http://localhost/gridgraph-dev-realm';
export const DEV_REALM_NAME = 'gridgraph-dev';
export const CLIENT_ID = 'gridgraph';

/** Loads the data folder's realm key, creating it on first use (readable by its owner only). `roles` @default ROLES */
export function loadDevRealm(dataDir: string, roles: RoleTable = ROLES): DevRealm {
  const file = path.join(dataDir, 'dev-realm', 'realm-key.pem');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    try {
      // `wx`: when two processes start at once, the first key written wins and the other reads it.
      fs.writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const privateKey = createPrivateKey(fs.readFileSync(file, 'utf8'));
  const publicDer = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const keyId = createHash('sha256').update(publicDer).digest('base64url').slice(0, 16);
  return {
    settings: {
      authServerUrl: DEV_AUTH_SERVER_URL,
      realm: DEV_REALM_NAME,
      clientId: CLIENT_ID,
      realmPublicKey: publicDer.toString('base64'),
      // The realm has one key: a token naming any other key id was not signed by it.
      realmKeyId: keyId,
    },
    issuer: `${DEV_AUTH_SERVER_URL}/realms/${DEV_REALM_NAME}`,
    privateKey,
    keyId,
    roles,
  };
}
