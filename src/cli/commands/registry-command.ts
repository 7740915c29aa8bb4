import { Command } from 'commander';
import { countAddressesByLevel } from '../../registry/address-repository.js';
import { csvRowSource } from '../../registry/csv-source.js';
import { countGrids } from '../../registry/grid-repository.js';
import { countRegions } from '../../registry/region-repository.js';
import { ADDRESS_COLUMNS, GRID_COLUMNS } from '../../registry/registry-records.js';
import { importRegistry } from '../../registry/registry-import.js';
import { RegistryImportError } from '../../registry/registry-import-error.js';
import { progressPrinter } from '../progress.js';
import { withHub } from '../with-hub.js';

/** Columns a file must have; the rest of the columns of docs/design.md §3.1 may be left out. */
const REQUIRED_GRID_COLUMNS = GRID_COLUMNS.filter((c) => c !== 'kind');
const REQUIRED_ADDRESS_COLUMNS = ADDRESS_COLUMNS.filter((c) => ['address_code', 'division_code', 'road', 'road_number'].includes(c));

const importCommand = new Command('import')
  .description(
    'import grids.csv and/or addresses.csv (docs/design.md §3.1) in one transaction: upsert by code, idempotent; ' +
      'any bad row rejects the import whole and lists every bad row',
  )
  .option('--grids <file>', 'grids CSV: grid_code, name, province, city, district, street, community, division_code, kind')
  .option('--addresses <file>', 'addresses CSV: address_code, province … room, door_plate_code, grid_code, longitude, latitude')
  .option('--dry-run', 'check everything against the registry, write nothing')
  .option('--json', 'print the summary (or the problems) as JSON')
  .action(async (options: { grids?: string; addresses?: string; dryRun?: boolean; json?: boolean }) => {
    if (options.grids === undefined && options.addresses === undefined) {
      throw new Error('give --grids, --addresses or both');
    }
    await withHub(async (hub) => {
      const progress = progressPrinter();
      const imported = importRegistry(
        hub.db,
        {
          grids: options.grids === undefined ? undefined : csvRowSource(options.grids, REQUIRED_GRID_COLUMNS),
          addresses: options.addresses === undefined ? undefined : csvRowSource(options.addresses, REQUIRED_ADDRESS_COLUMNS),
        },
        { dryRun: options.dryRun, onProgress: progress.update },
      ).finally(progress.done);
      const summary = await imported.catch((error: unknown) => {
        // With --json a rejection is data too: every problem on stdout, and the exit code of a bad input.
        if (!options.json || !(error instanceof RegistryImportError)) throw error;
        console.log(JSON.stringify({ rejected: true, problems: error.problems }));
        process.exitCode = 2;
        return undefined;
      });
      if (summary === undefined) return;
      if (options.json) {
        console.log(JSON.stringify(summary));
        return;
      }
      const line = (name: string, s: typeof summary.grids) =>
        `  ${name.padEnd(9)} ${s.rows} rows: ${s.inserted} new, ${s.updated} changed, ${s.unchanged} unchanged`;
      console.log(summary.dryRun ? 'dry run: the files are valid; nothing was written' : 'imported');
      console.log(line('grids', summary.grids));
      console.log(line('addresses', summary.addresses));
    });
  });

const statusCommand = new Command('status')
  .description('count what the registry holds')
  .option('--json', 'print as JSON')
  .action(async (options: { json?: boolean }) => {
    await withHub(async (hub) => {
      const status = {
        database: hub.description,
        regions: await countRegions(hub.db, {}),
        grids: await countGrids(hub.db, {}),
        addresses: await countAddressesByLevel(hub.db),
      };
      if (options.json) console.log(JSON.stringify(status));
      else {
        console.log(`hub database: ${status.database}`);
        console.log(`regions ${status.regions}, grids ${status.grids}, addresses: ${status.addresses.DOOR} doors, ${status.addresses.BUILDING} buildings, ${status.addresses.ROOM} rooms`);
      }
    });
  });

export const registryCommand = new Command('registry')
  .description('the standard-address registry: import and inspect')
  .addCommand(importCommand)
  .addCommand(statusCommand);
