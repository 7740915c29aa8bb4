import { Command } from 'commander';

export const serveCommand = new Command('serve')
  .description('serve the graph at http://localhost:PORT/graphql (GraphiQL in a browser), with /healthz and /readyz; SIGTERM or Ctrl-C drains and stops it')
  .option('-p, --port <port>', 'port to listen on (default: PORT or 4000)')
  .option(
    '--subgraph <name>',
    "serve one part of the graph as an Apollo Federation 2 subgraph behind a gateway: 'hub' (no source URL needed) or a connector's name (its own source only); see deploy/gateway/",
  )
  .action(async (options: { port?: string; subgraph?: string }) => {
    const { serve } = await import('./serve-run.js');
    await serve(options);
  });
