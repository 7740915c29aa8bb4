import { Command } from 'commander';
import { ConfigError } from '../config/config.js';
import { GridgraphError } from '../errors/gridgraph-error.js';
import { addressCommand } from './commands/address-command.js';
import { demoCommand } from './commands/demo-command.js';
import { registryCommand } from './commands/registry-command.js';
import { serveCommand } from './commands/serve-command.js';
import { supergraphCommand } from './commands/supergraph-command.js';
import { auditCommand } from './commands/audit-command.js';
import { tokenCommand } from './commands/token-command.js';
import { platesCommand } from './commands/plates-command.js';
import { demoGenerateCommand, qualityCommand, syncCommand } from './commands/sync-commands.js';

const program = new Command('gridgraph')
  .description('gridgraph: one GraphQL graph of person, place, event, object and organization over five department sources')
  .showHelpAfterError()
  .addCommand(serveCommand)
  .addCommand(supergraphCommand)
  .addCommand(registryCommand)
  .addCommand(addressCommand)
  .addCommand(syncCommand)
  .addCommand(qualityCommand)
  .addCommand(tokenCommand)
  .addCommand(auditCommand)
  .addCommand(platesCommand)
  .addCommand(demoCommand.addCommand(demoGenerateCommand));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Expected failures print their message alone; anything else keeps its stack for a bug report.
  if (error instanceof GridgraphError || error instanceof ConfigError) {
    console.error(`gridgraph: ${error.message}`);
    process.exitCode = 2;
  } else {
    console.error('gridgraph:', error instanceof Error && error.message ? error.message : error);
    if (process.env.GRIDGRAPH_DEBUG) console.error(error);
    process.exitCode = 1;
  }
}
