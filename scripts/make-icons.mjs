// Makes every icon in assets/ from vector sources: the app icon from assets/icon.svg (PNG sizes, .ico, .icns),
// and the tray icons for each state (idle, syncing, paused, error) from the cloud and glyphs drawn below:
// colored PNG (Linux) and .ico (Windows), and black template images for the macOS menu bar.
//
//   node scripts/make-icons.mjs           writes the files
//   node scripts/make-icons.mjs --check   exits 1 if any committed file differs from what this script makes
//
// Rendering (resvg) and encoding are deterministic, so test/unit/app-icons.test.ts can check the committed
// files against this script's output.
import { Resvg } from '@resvg/resvg-js';
import { IconIcns, IconIco } from '@shockpkg/icon-encoder';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ASSETS = fileURLToPath(new URL('../assets/', import.meta.url));

export const TRAY_STATES = ['idle', 'syncing', 'paused', 'error'];
/** PNG sizes of the app icon (Linux installs them as hicolor icons; electron-builder reads the folder). */
export const APP_PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
export const APP_ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** ICNS types with their pixel sizes (the set iconutil writes). */
export const APP_ICNS_TYPES = [['ic04', 16], ['ic11', 32], ['ic05', 32], ['ic12', 64], ['ic07', 128], ['ic13', 256], ['ic08', 256], ['ic14', 512], ['ic09', 512], ['ic10', 1024]];
/** Windows picks the tray size by DPI (16 at 100 %, 20, 24, 32 at 200 %...). */
export const TRAY_ICO_SIZES = [16, 20, 24, 32, 40, 48];
export const TRAY_LINUX_SIZE = 32;

const STATE_COLORS = { idle: '#1a73e8', syncing: '#1a73e8', paused: '#6b7280', error: '#d93025' };

// Drawn on a 32 x 32 grid. The cloud of the app icon, simplified to read at 16 pixels.
const CLOUD = 'M9 26a6.5 6.5 0 0 1-.9-12.94A9 9 0 0 1 25.3 12.2 6.9 6.9 0 0 1 24.5 26z';
// One glyph per state, stroked inside the cloud.
const GLYPHS = {
  idle: { d: 'M11.6 19.2l3.3 3.2 6.2-6.6', stroke: 2.6 },
  syncing: { d: 'M16 23.4v-8.6m-3.5 3.4 3.5-3.5 3.5 3.5', stroke: 2.6 },
  paused: { d: 'M13.4 15.4v7m5.2-7v7', stroke: 2.8 },
  error: { d: 'M16 14.6v4.6m0 3.5v.1', stroke: 2.8 },
};

/** The tray icon of a state: the cloud in the state's color with a white glyph, or for macOS a black cloud
 * with the glyph cut out (a template image: only its alpha counts, the menu bar colors it). */
export function traySvg(state, template) {
  const glyph = GLYPHS[state];
  const stroke = `stroke-width="${glyph.stroke}" stroke-linecap="round" stroke-linejoin="round" fill="none"`;
  if (template) {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">
  <mask id="m"><rect width="32" height="32" fill="#fff"/><path d="${glyph.d}" stroke="#000" ${stroke}/></mask>
  <path d="${CLOUD}" fill="#000" mask="url(#m)"/>
</svg>`;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">
  <path d="${CLOUD}" fill="${STATE_COLORS[state]}" stroke="#fff" stroke-width="1.2" stroke-linejoin="round"/>
  <path d="${glyph.d}" stroke="#fff" ${stroke}/>
</svg>`;
}

export function renderPng(svg, size) {
  const image = new Resvg(svg, { fitTo: { mode: 'width', value: size }, shapeRendering: 2 }).render();
  return { png: new Uint8Array(image.asPng()), width: image.width, height: image.height, pixels: new Uint8Array(image.pixels) };
}

async function ico(svg, sizes) {
  const icon = new IconIco();
  for (const size of sizes) await icon.addFromPng(renderPng(svg, size).png, true, true);
  return icon.encode();
}

/** Every file this script makes, by path under assets/. */
export async function makeIcons() {
  const files = new Map();
  const appSvg = await readFile(path.join(ASSETS, 'icon.svg'), 'utf8');
  files.set('icon.png', renderPng(appSvg, 512).png);
  for (const size of APP_PNG_SIZES) files.set(`icons/${size}x${size}.png`, renderPng(appSvg, size).png);
  files.set('icon.ico', await ico(appSvg, APP_ICO_SIZES));
  const icns = new IconIcns();
  for (const [type, size] of APP_ICNS_TYPES) await icns.addFromPng(renderPng(appSvg, size).png, [type], true);
  files.set('icon.icns', icns.encode());
  for (const state of TRAY_STATES) {
    const colored = traySvg(state, false);
    const template = traySvg(state, true);
    files.set(`tray/${state}.png`, renderPng(colored, TRAY_LINUX_SIZE).png);
    files.set(`tray/${state}.ico`, await ico(colored, TRAY_ICO_SIZES));
    files.set(`tray/${state}Template.png`, renderPng(template, 16).png);
    files.set(`tray/${state}Template@2x.png`, renderPng(template, 32).png);
  }
  return files;
}

async function main() {
  const check = process.argv.includes('--check');
  const files = await makeIcons();
  const stale = [];
  for (const [name, bytes] of files) {
    const file = path.join(ASSETS, name);
    if (check) {
      const current = await readFile(file).catch(() => undefined);
      if (!current || Buffer.compare(current, Buffer.from(bytes)) !== 0) stale.push(name);
      continue;
    }
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes);
  }
  if (check && stale.length) {
    console.error(`These icons differ from what scripts/make-icons.mjs makes: ${stale.join(', ')}.\nFix: run \`node scripts/make-icons.mjs\` and commit assets/.`);
    process.exit(1);
  }
  console.log(check ? `All ${files.size} icons are up to date.` : `Wrote ${files.size} icons to assets/.`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
