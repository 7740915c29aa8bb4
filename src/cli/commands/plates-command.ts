import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { ConfigError } from '../../config/config.js';
import { badUserInput } from '../../errors/gridgraph-error.js';
import { gridSheetHtml, plateLabelSvg, plateQrPng } from '../../plates/plate-sheets.js';
import { findPrintablePlates, type PrintablePlate } from '../../registry/door-plate-repository.js';
import { withHub } from '../with-hub.js';

/** Plates outside any grid are printed under this folder and sheet. */
const NO_GRID = { code: 'no-grid', name: '未划入网格' };

/**
 * The base URL printed codes point at (`GRIDGRAPH_PUBLIC_URL`): the hub as
 * residents' phones reach it. Unset: `http://localhost:<PORT>`, with a warning,
 * since such codes only work on this machine.
 */
export function readPublicUrl(env: NodeJS.ProcessEnv = process.env): string {
  const value = env.GRIDGRAPH_PUBLIC_URL?.trim();
  if (value === undefined || value === '') {
    const fallback = `http://localhost:${env.PORT?.trim() || '4000'}`;
    console.error(`gridgraph: GRIDGRAPH_PUBLIC_URL is not set; the codes point at ${fallback}, which only this machine reaches`);
    return fallback;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('GRIDGRAPH_PUBLIC_URL', `expected the hub's public http(s) URL, got "${value}"`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '') {
    throw new ConfigError('GRIDGRAPH_PUBLIC_URL', `expected an http(s) URL without query or fragment, got "${value}"`);
  }
  return value.replace(/\/+$/, '');
}

const qrCommand = new Command('qr')
  .description(
    'write one QR code per door plate, pointing at its resident page (GRIDGRAPH_PUBLIC_URL/p/<code>), ' +
      'into DIR/<grid>/<plate>.<format>, and one printable A4 sheet per grid, DIR/<grid>.html, with the address and plate code under each code',
  )
  .option('--grid <code>', 'only this grid\'s plates')
  .option('--street <code>', 'only the plates of this street (its region code)')
  .requiredOption('--out <dir>', 'folder to write into (created if missing)')
  .addOption(new Option('--format <format>', 'svg: code with its text; png: the code alone (its text is on the sheet)').choices(['svg', 'png', 'pdf']).default('svg'))
  .action(async (options: { grid?: string; street?: string; out: string; format: 'svg' | 'png' | 'pdf' }) => {
    if (options.grid !== undefined && options.street !== undefined) throw badUserInput('give --grid or --street, not both');
    if (options.format === 'pdf') {
      throw badUserInput(
        'pdf is not written: a PDF needs a Chinese font embedded (10+ MB) to print the addresses; open DIR/<grid>.html in a browser and print it to PDF instead',
      );
    }
    const publicUrl = readPublicUrl();
    await withHub(async (hub) => {
      const plates = await findPrintablePlates(hub.db, { grid: options.grid, street: options.street });
      if (plates.length === 0) throw badUserInput(`no door plates ${options.grid ? `in grid ${options.grid}` : options.street ? `in street ${options.street}` : 'in the registry'}`);
      const byGrid = new Map<string, { grid: { code: string; name: string }; plates: PrintablePlate[] }>();
      for (const plate of plates) {
        const grid = plate.gridCode === null ? NO_GRID : { code: plate.gridCode, name: plate.gridName ?? plate.gridCode };
        const entry = byGrid.get(grid.code) ?? byGrid.set(grid.code, { grid, plates: [] }).get(grid.code)!;
        entry.plates.push(plate);
      }
      for (const { grid, plates: gridPlates } of byGrid.values()) {
        const folder = path.join(options.out, grid.code);
        fs.mkdirSync(folder, { recursive: true });
        for (const plate of gridPlates) {
          const file = path.join(folder, `${plate.code}.${options.format}`);
          fs.writeFileSync(file, options.format === 'svg' ? plateLabelSvg(plate, publicUrl) : await plateQrPng(plate, publicUrl));
        }
        fs.writeFileSync(path.join(options.out, `${grid.code}.html`), gridSheetHtml(grid, gridPlates, publicUrl));
      }
      console.log(`wrote ${plates.length} plate codes (${options.format}) and ${byGrid.size} grid sheets to ${options.out}; they point at ${publicUrl}/p/<code>`);
    });
  });

export const platesCommand = new Command('plates').description('door plates (二维码门牌): print their QR codes').addCommand(qrCommand);
