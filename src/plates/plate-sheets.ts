import QRCode from 'qrcode';
import { escapeHtml } from '../pages/html.js';
import { RESIDENT_PAGE_PATH } from '../pages/resident-page.js';
import type { PrintablePlate } from '../registry/door-plate-repository.js';

/** The URL a plate's QR code holds: its resident's page under the public base URL (`GRIDGRAPH_PUBLIC_URL`). */
export function plateUrl(publicUrl: string, code: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${RESIDENT_PAGE_PATH}/${encodeURIComponent(code)}`;
}

/**
 * Error correction M (15 %): a plate outdoors gets dirty and scratched, and M
 * keeps the code of a long URL small enough to scan from an arm's length.
 */
const QR_OPTIONS = { errorCorrectionLevel: 'M' } as const;
/** Modules of white around the code, as the QR standard asks. */
const QUIET_ZONE = 4;

/** Size of one label, in millimetres: three across an A4 page. */
const LABEL = { width: 66, height: 92, code: 56 } as const;
/** Characters of the address per printed line. */
const LINE_CHARS = 17;

/** One plate's label as SVG (millimetre units): the QR code, then the address and the plate code under it. */
export function plateLabelSvg(plate: PrintablePlate, publicUrl: string): string {
  const qr = QRCode.create(plateUrl(publicUrl, plate.code), QR_OPTIONS);
  const size = qr.modules.size;
  const module = LABEL.code / (size + 2 * QUIET_ZONE);
  const x0 = (LABEL.width - LABEL.code) / 2 + QUIET_ZONE * module;
  const y0 = QUIET_ZONE * module;
  let path = '';
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (qr.modules.get(row, col)) path += `M${round(x0 + col * module)} ${round(y0 + row * module)}h${round(module)}v${round(module)}h${round(-module)}z`;
    }
  }
  const lines = wrap(plate.fullText, LINE_CHARS).slice(0, 3);
  const textTop = LABEL.code + 2;
  const text = lines
    .map((line, i) => `<text x="${LABEL.width / 2}" y="${round(textTop + 4.2 * (i + 1))}" font-size="3.6" text-anchor="middle">${escapeHtml(line)}</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${LABEL.width}mm" height="${LABEL.height}mm" viewBox="0 0 ${LABEL.width} ${LABEL.height}" font-family="'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif">
<rect width="${LABEL.width}" height="${LABEL.height}" fill="#fff"/>
<path d="${path}" fill="#000"/>
${text}
<text x="${LABEL.width / 2}" y="${round(textTop + 4.2 * lines.length + 5)}" font-size="3.4" text-anchor="middle" font-family="monospace">${escapeHtml(plate.code)}</text>
</svg>`;
}

/** One plate's QR code alone as PNG (the text stays on the sheet: drawing Chinese into a bitmap would need a font renderer). */
export function plateQrPng(plate: PrintablePlate, publicUrl: string): Promise<Buffer> {
  return QRCode.toBuffer(plateUrl(publicUrl, plate.code), { ...QR_OPTIONS, type: 'png', margin: QUIET_ZONE, width: 600 });
}

/** A printable HTML sheet of one grid's labels: A4 pages, three across, cut lines between labels. Self-contained: it loads nothing. */
export function gridSheetHtml(grid: { code: string; name: string }, plates: readonly PrintablePlate[], publicUrl: string): string {
  const labels = plates.map((plate) => `<div class="label">${plateLabelSvg(plate, publicUrl)}</div>`).join('\n');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${escapeHtml(grid.name)} · 门牌二维码</title>
<style>
@page { size: A4; margin: 10mm; }
body { margin: 0; font-family: 'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif; }
h1 { font-size: 4mm; margin: 0 0 3mm; }
.sheet { display: grid; grid-template-columns: repeat(3, ${LABEL.width}mm); gap: 0; }
.label { border: 0.2mm dashed #999; break-inside: avoid; }
.label svg { display: block; }
</style>
</head>
<body>
<h1>${escapeHtml(grid.name)}（${escapeHtml(grid.code)}）· ${plates.length} 块门牌</h1>
<div class="sheet">
${labels}
</div>
</body>
</html>`;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** Text cut into lines of at most `width` characters (code points: one Chinese character is one). */
function wrap(text: string, width: number): string[] {
  const chars = [...text];
  const lines: string[] = [];
  for (let i = 0; i < chars.length; i += width) lines.push(chars.slice(i, i + width).join(''));
  return lines;
}
