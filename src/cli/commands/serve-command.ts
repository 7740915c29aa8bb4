import { Command } from 'commander';

export const serveCommand = new Command('serve')
  .description('serve the graph at http://localhost:PORT/graphql (GraphiQL in a browser), with /healthz and /readyz; SIGTERM or Ctrl-C drains and stops it')
  .option('-p, --port <port>', 'port to listen on (default: PORT or 4000)')
  .action(async (options: { port?: string }) => {
    const { serve } = await import('./serve-run.js');
    await serve(options);
  });
