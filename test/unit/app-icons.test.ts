// The icons in assets/: exactly what scripts/make-icons.mjs makes from its sources, at the sizes each system
// wants: app PNGs by size, a Windows .ico and a macOS .icns with every size, and per tray state a colored PNG,
// a multi-size .ico and macOS template images (black, shape in the alpha only) at 1x and 2x.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { decodePngToRgba } from '@shockpkg/icon-encoder';

const root = path.resolve(import.meta.dirname, '../..');
const asset = (name: string) => readFile(path.join(root, 'assets', name));
const STATES = ['idle', 'syncing', 'paused', 'error'];

function pngSize(bytes: Buffer): [number, number] {
  assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG', 'a PNG file');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

/** Sizes in an .ico's directory (a 0 byte means 256). */
function icoSizes(bytes: Buffer): number[] {
  assert.deepEqual([bytes.readUInt16LE(0), bytes.readUInt16LE(2)], [0, 1], 'an ICO header');
  return Array.from({ length: bytes.readUInt16LE(4) }, (_, i) => bytes[6 + 16 * i] || 256);
}

/** Entry types and their PNG sizes in an .icns file (ic04 and ic05 hold ARGB data, as iconutil writes them). */
function icnsEntries(bytes: Buffer): [string, number | 'argb'][] {
  assert.equal(bytes.subarray(0, 4).toString('latin1'), 'icns');
  assert.equal(bytes.readUInt32BE(4), bytes.length, 'the header gives the file length');
  const entries: [string, number | 'argb'][] = [];
  for (let at = 8; at < bytes.length; at += bytes.readUInt32BE(at + 4)) {
    const data = bytes.subarray(at + 8, at + bytes.readUInt32BE(at + 4));
    const kind = data.subarray(0, 4).toString('latin1');
    entries.push([bytes.subarray(at, at + 4).toString('latin1'), kind === 'ARGB' ? 'argb' : pngSize(data)[0]]);
  }
  return entries;
}

describe('icons', () => {
  test('the committed icons are what scripts/make-icons.mjs makes', () => {
    const run = spawnSync(process.execPath, ['scripts/make-icons.mjs', '--check'], { cwd: root, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /All 28 icons are up to date\./);
  });

  test('app icon: PNGs by size for Linux, .ico up to 256 for Windows, .icns up to 1024 for macOS', async () => {
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) assert.deepEqual(pngSize(await asset(`icons/${size}x${size}.png`)), [size, size]);
    assert.deepEqual(pngSize(await asset('icon.png')), [512, 512]);
    assert.deepEqual(icoSizes(await asset('icon.ico')), [16, 24, 32, 48, 64, 128, 256]);
    assert.deepEqual(icnsEntries(await asset('icon.icns')), [
      ['ic04', 'argb'], ['ic11', 32], ['ic05', 'argb'], ['ic12', 64], ['ic07', 128], ['ic13', 256], ['ic08', 256], ['ic14', 512], ['ic09', 512], ['ic10', 1024],
    ]);
  });

  test('tray: per state a 32-pixel PNG, an .ico for every Windows DPI, and macOS templates at 16 and 32', async () => {
    const colored = new Set<string>();
    for (const state of STATES) {
      const png = await asset(`tray/${state}.png`);
      assert.deepEqual(pngSize(png), [32, 32]);
      colored.add(png.toString('base64'));
      assert.deepEqual(icoSizes(await asset(`tray/${state}.ico`)), [16, 20, 24, 32, 40, 48]);
      assert.deepEqual(pngSize(await asset(`tray/${state}Template.png`)), [16, 16]);
      assert.deepEqual(pngSize(await asset(`tray/${state}Template@2x.png`)), [32, 32]);
    }
    assert.equal(colored.size, STATES.length, 'each state looks different');
  });

  test('macOS template images are black, their shape in the alpha channel only', async () => {
    for (const state of STATES) {
      for (const name of [`tray/${state}Template.png`, `tray/${state}Template@2x.png`]) {
        const { data, width } = await decodePngToRgba(await asset(name));
        let opaque = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3] === 0) continue;
          assert.deepEqual([data[i], data[i + 1], data[i + 2]], [0, 0, 0], `${name}: pixel ${i / 4} is black`);
          if (data[i + 3] === 255) opaque++;
        }
        assert.ok(opaque > (width * width) / 5, `${name} draws a shape (${opaque} opaque pixels)`);
        assert.ok(opaque < (width * width) * 0.8, `${name} leaves the background clear`);
      }
    }
  });
});
