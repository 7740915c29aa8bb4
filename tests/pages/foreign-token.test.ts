import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { devRealmVerifier } from '../../src/auth/auth-config.js';
import { loadDevRealm } from '../../src/auth/dev-realm.js';
import { mintToken } from '../../src/auth/mint-token.js';

const folder = () => fs.mkdtempSync(path.join(os.tmpdir(), 'gridgraph-realm-'));

describe('a development token from another data folder', () => {
  it('is refused with a reason that says so, in plain ASCII (it goes out in WWW-Authenticate), naming no path', async () => {
    const here = loadDevRealm(folder());
    const elsewhereDir = folder();
    const elsewhere = loadDevRealm(elsewhereDir);
    const foreign = await mintToken(elsewhere, { roles: ['dept-police'], districts: ['320102'] });
    const error = await devRealmVerifier(here).verify(foreign).then(() => undefined, (e: Error) => e);
    expect(error?.message).toContain('another data folder');
    expect(error?.message).toContain('GRIDGRAPH_DATA_DIR');
    expect(error?.message).not.toContain(elsewhereDir);
    expect(error?.message).toMatch(/^[\x20-\x7e]+$/);
  });

  it("still accepts the folder's own tokens, and words other refusals as before", async () => {
    const here = loadDevRealm(folder());
    const own = await mintToken(here, { roles: ['dept-police'], districts: ['320102'] });
    expect((await devRealmVerifier(here).verify(own)).realm_access).toEqual({ roles: ['dept-police'] });
    await expect(devRealmVerifier(here).verify('not-a-token')).rejects.toThrow('malformed token');
  });
});
