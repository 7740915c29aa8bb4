import { Command } from 'commander';
import { readConfig } from '../../config/config.js';
import { startServer } from '../../server/http-server.js';
import { openConfiguredHub } from '../with-hub.js';

export const serveCommand = new Command('serve')
  .description('serve the graph at http://localhost:PORT/graphql (GraphiQL in a browser), with /healthz and /readyz')
  .option('-p, --port <port>', 'port to listen on (default: PORT or 4000)')
  .action(async (options: { port?: string }) => {
    const config = readConfig(options.port === undefined ? process.env : { ...process.env, PORT: options.port });
    const started = Date.now();
    const hub = await openConfiguredHub(config, (line) => console.log(line));
    console.log(`gridgraph: hub database ${hub.description}`);
    const server = await startServer({ db: hub.db, port: config.port, host: config.host });
    console.log(`gridgraph: serving ${server.url} (started in ${((Date.now() - started) / 1000).toFixed(1)}s)`);

    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`gridgraph: ${signal}, stopping`);
      await server.close();
      await hub.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  });
