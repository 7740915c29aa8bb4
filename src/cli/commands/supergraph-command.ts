import { Command } from 'commander';

/** `--url police=http://…`, repeatable. */
function collectUrl(value: string, previous: Map<string, string>): Map<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new Error(`--url takes <subgraph>=<url>, not ${JSON.stringify(value)}`);
  return new Map([...previous, [value.slice(0, at), value.slice(at + 1)]]);
}

export const supergraphCommand = new Command('supergraph')
  .description('compose the subgraphs (hub and one per connector) into the supergraph Hive Gateway serves; exits 1 when they do not compose')
  .option('-o, --out <file>', 'write it to this file (default: standard output)')
  .option('--url <subgraph=url>', 'where a subgraph answers (repeatable); default http://localhost:4001/graphql for hub, 4002… for the connectors', collectUrl, new Map<string, string>())
  .option('--check <file>', 'compare with this file instead of writing: exit 1 when it is stale')
  .action(async (options: { out?: string; url: Map<string, string>; check?: string }) => {
    const fs = await import('node:fs');
    const { connectors } = await import('../../../connectors/index.js');
    const { composeSupergraph } = await import('../../federation/supergraph.js');
    const supergraph = composeSupergraph(connectors, options.url);
    if (options.check !== undefined) {
      const committed = fs.existsSync(options.check) ? fs.readFileSync(options.check, 'utf8') : '';
      if (committed !== supergraph) {
        console.error(`gridgraph: ${options.check} is stale: run 'gridgraph supergraph --out ${options.check}' and commit it`);
        process.exitCode = 1;
        return;
      }
      console.log(`gridgraph: ${options.check} is current`);
    } else if (options.out !== undefined) {
      fs.writeFileSync(options.out, supergraph);
      console.log(`gridgraph: supergraph written to ${options.out}`);
    } else {
      process.stdout.write(supergraph);
    }
  });
