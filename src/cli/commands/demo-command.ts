import fs from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { generateDemoRegistry } from '../../demo/demo-registry.js';
import { QINHUAI, XUANWU } from '../../demo/districts.js';
import { ADDRESS_COLUMNS, GRID_COLUMNS } from '../../registry/registry-records.js';

const registryCsvCommand = new Command('registry-csv')
  .description('write the demo registry as grids.csv and addresses.csv, to try or adapt `gridgraph registry import`')
  .requiredOption('--out <dir>', 'folder to write the two files into')
  .option('--scale <n>', 'doors per community grow with it; 1 is about 5,000 addresses per district', '1')
  .option('--two-districts', 'add Nanjing 秦淮区 to 玄武区 (中山东路 then runs through both)')
  .action(async (options: { out: string; scale: string; twoDistricts?: boolean }) => {
    const scale = Number(options.scale);
    if (!(scale > 0)) throw new Error(`--scale must be a positive number, got "${options.scale}"`);
    const registry = generateDemoRegistry({ scale, districts: options.twoDistricts ? [XUANWU, QINHUAI] : [XUANWU] });
    await fs.mkdir(options.out, { recursive: true });
    await fs.writeFile(path.join(options.out, 'grids.csv'), stringify(registry.grids, { header: true, columns: [...GRID_COLUMNS] }));
    await fs.writeFile(path.join(options.out, 'addresses.csv'), stringify(registry.addresses, { header: true, columns: [...ADDRESS_COLUMNS] }));
    console.log(`wrote ${registry.grids.length} grids and ${registry.addresses.length} addresses to ${options.out}`);
  });

export const demoCommand = new Command('demo').description('demo data').addCommand(registryCsvCommand);
