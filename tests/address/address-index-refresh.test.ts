import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressResolver } from '../../src/address/address-resolver.js';
import { demoRowSources, generateDemoRegistry } from '../../src/demo/demo-registry.js';
import { QINHUAI } from '../../src/demo/districts.js';
import { importRegistry } from '../../src/registry/registry-import.js';
import { readRegistryRevision } from '../../src/registry/registry-state-repository.js';
import { openDemoDatabases } from '../support/demo-world.js';
import { type TestHub, testDatabaseKind } from '../support/test-hub.js';

let hub: TestHub;
beforeAll(async () => {
  hub = (await openDemoDatabases()).hub; // the demo registry imported (see demo-world.ts)
});
afterAll(async () => {
  await hub?.close();
});

describe(`the resolver's index (${testDatabaseKind})`, () => {
  it('picks up a registry import without a restart: a second district resolves once imported', async () => {
    const resolver = new AddressResolver(hub.db);
    const qinhuai = generateDemoRegistry({ districts: [QINHUAI] });
    const door = qinhuai.addresses.find((a) => a.building === '' && a.road === '户部街')!;
    const text = `秦淮区${door.road}${door.road_number}号`;
    expect((await resolver.resolve([text]))[0].status).toBe('UNMATCHED');
    const before = await resolver.index();

    await importRegistry(hub.db, demoRowSources(qinhuai));
    const [after] = await resolver.resolve([text]);
    expect(after).toMatchObject({ status: 'MATCHED', code: door.address_code });
    expect(await resolver.index()).not.toBe(before);
  });

  it('rebuilds only when the registry changed: a re-import that changes nothing keeps the index', async () => {
    const resolver = new AddressResolver(hub.db);
    const index = await resolver.index();
    const revision = await readRegistryRevision(hub.db);
    await importRegistry(hub.db, demoRowSources(generateDemoRegistry()));
    expect(await readRegistryRevision(hub.db)).toBe(revision);
    expect(await resolver.index()).toBe(index);
  });
});
