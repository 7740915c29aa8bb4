import { afterAll, beforeAll } from 'vitest';
import { connectors } from '../../connectors/index.js';
import { type ConnectorWorld, defineConnectorSuite, startConnectorWorld } from '../support/connector-suite.js';

/** The installed connectors, each through the conformance suite, over one demo world for the file. */
let world: ConnectorWorld;
beforeAll(async () => {
  world = await startConnectorWorld(connectors);
}, 300_000);
afterAll(async () => {
  await world?.close();
});

for (const connector of connectors) defineConnectorSuite(connector, () => world);
