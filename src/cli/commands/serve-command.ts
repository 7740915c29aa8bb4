import { Command } from 'commander';
import { readConfig } from '../../config/config.js';
import { connectors } from '../../../connectors/index.js';
import { AddressResolver } from '../../address/address-resolver.js';
import { loadDemoSourcesIfEmpty } from '../../demo/load-demo-sources.js';
import { startServer } from '../../server/http-server.js';
import { configuredVerifier } from '../../auth/auth-config.js';
import { closeSources, openSources } from '../../sources/open-sources.js';
import { startContinuousSync } from '../../sync/continuous-sync.js';
import { openConfiguredHub } from '../with-hub.js';
import { loadTrustedDocuments } from '../../server/trusted-documents.js';

export const serveCommand = new Command('serve')
  .description('serve the graph at http://localhost:PORT/graphql (GraphiQL in a browser), with /healthz and /readyz')
  .option('-p, --port <port>', 'port to listen on (default: PORT or 4000)')
  .action(async (options: { port?: string }) => {
    const config = readConfig(options.port === undefined ? process.env : { ...process.env, PORT: options.port });
    const trustedDocuments = config.trustedDocumentsFile === undefined ? undefined : loadTrustedDocuments(config.trustedDocumentsFile);
    const started = Date.now();
    const hub = await openConfiguredHub(config, (line) => console.log(line));
    console.log(`gridgraph: hub database ${hub.description}`);
    const sources = await openSources(connectors, config);
    console.log(`gridgraph: sources ${sources.map((s) => `${s.connector.name} (${s.description})`).join(', ')}`);
    if (config.loadDemo) await loadDemoSourcesIfEmpty(hub.db, sources, new AddressResolver(hub.db), (line) => console.log(line));
    const { verifier, description } = configuredVerifier(config);
    console.log(`gridgraph: tokens from the ${description}`);
    const server = await startServer({ db: hub.db, connectors, sources, sourceTimeoutMs: config.sourceTimeoutMs, port: config.port, host: config.host, verifier, anonymousIntrospection: config.anonymousIntrospection, operationLimits: config.operationLimits, trustedDocuments });
    console.log(`gridgraph: serving ${server.url} (started in ${((Date.now() - started) / 1000).toFixed(1)}s)`);
    const sync = startContinuousSync(hub.db, sources, new AddressResolver(hub.db), { intervalSeconds: config.syncIntervalSeconds, databaseUrl: config.databaseUrl, log: (line) => console.log(line) });

    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`gridgraph: ${signal}, stopping`);
      await server.close();
      await sync.stop();
      await closeSources(sources);
      await hub.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  });
