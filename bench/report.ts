// Turns a run's samples into bench/results/<name>.md (tables: median with min and max of the rounds, and the
// issue's targets with the ratio reached), <name>.json (every sample), <name>.png (a chart drawn as SVG here and
// rendered by Debian's Chromium, headless), and for a full run the headline figures into README.md.
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Config } from './run.js';
import { type Results, type Stat, type WorkloadId } from './lib/results.js';

const execFileAsync = promisify(execFile);

export interface RunInfo {
  config: Config;
  info: Record<string, string>;
  startedAt: Date;
  elapsedS: number;
}

const LABELS: Record<string, string> = {
  'cos-sync': 'cos-sync', 'cos-sync-https': 'cos-sync (HTTPS)', rclone: 'rclone (defaults)', 'rclone-tuned': 'rclone (tuned)',
  aws: 'aws s3 sync (defaults)', 'aws-tuned': 'aws s3 sync (tuned)', raw: 'raw SDK ceiling',
};
const COLORS: Record<string, string> = {
  'cos-sync': '#1f77b4', 'cos-sync-https': '#6baed6', rclone: '#d62728', 'rclone-tuned': '#ff9896', aws: '#2ca02c', 'aws-tuned': '#98df8a', raw: '#7f7f7f',
};
const label = (tool: string) => LABELS[tool] ?? tool;

const fmt = (x: number | undefined, digits = 1) => (x === undefined || !Number.isFinite(x) ? '–' : x >= 100 ? x.toFixed(0) : x.toFixed(digits));
const range = (s: Stat | undefined, digits = 1) => (s ? `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})` : '–');

interface Target {
  what: string;
  value: string;
  target: string;
  met: boolean | undefined;
}

function bestPeer(results: Results, workload: WorkloadId, metric: string): { tool: string; value: number } | undefined {
  let best: { tool: string; value: number } | undefined;
  for (const tool of ['rclone', 'rclone-tuned', 'aws', 'aws-tuned']) {
    const s = results.of(workload, tool, metric);
    if (s && (!best || s.median > best.value)) best = { tool, value: s.median };
  }
  return best;
}

function targets(results: Results, partBytes: number): Target[] {
  const t: Target[] = [];
  const med = (w: WorkloadId, tool: string, m: string) => results.of(w, tool, m)?.median;
  const largeOurs = med('large', 'cos-sync', 'mbPerS');
  const largePeer = bestPeer(results, 'large', 'mbPerS');
  const rawLarge = med('large', 'raw', 'mbPerS');
  if (largeOurs !== undefined && largePeer) t.push({ what: `Large files MB/s vs best peer (${label(largePeer.tool)}: ${fmt(largePeer.value)})`, value: `${fmt(largeOurs)} MB/s = ${fmt(largeOurs / largePeer.value, 2)}x`, target: '≥ 1.3x', met: largeOurs / largePeer.value >= 1.3 });
  if (largeOurs !== undefined && rawLarge !== undefined) t.push({ what: `Large files vs raw SDK ceiling (${fmt(rawLarge)} MB/s)`, value: `${fmt((100 * largeOurs) / rawLarge, 0)} %`, target: '≥ 85 %', met: largeOurs / rawLarge >= 0.85 });
  const cpuGiB = med('large', 'cos-sync', 'cpuSPerGiB');
  if (cpuGiB !== undefined) t.push({ what: 'Large files client CPU', value: `${fmt(cpuGiB, 2)} CPU-s/GiB`, target: '≤ 1.5', met: cpuGiB <= 1.5 });
  const smallOurs = med('small', 'cos-sync', 'filesPerS');
  const smallRclone = med('small', 'rclone-tuned', 'filesPerS');
  if (smallOurs !== undefined && smallRclone !== undefined) t.push({ what: `Small files/s vs rclone --s3-no-head tuned (${fmt(smallRclone)})`, value: `${fmt(smallOurs)} files/s = ${fmt(smallOurs / smallRclone, 2)}x`, target: '≥ 1.0x', met: smallOurs / smallRclone >= 1 });
  const resyncOurs = med('resync-10k', 'cos-sync', 'seconds');
  const resyncRclone = med('resync-10k', 'rclone', 'seconds');
  if (resyncOurs !== undefined && resyncRclone !== undefined) t.push({ what: `No-change resync, small tree, vs rclone sync defaults (${fmt(resyncRclone, 2)} s)`, value: `${fmt(resyncOurs, 2)} s = ${fmt(resyncRclone / resyncOurs, 1)}x faster`, target: '≥ 10x', met: resyncRclone / resyncOurs >= 10 });
  const resync100k = med('resync-100k', 'cos-sync', 'seconds');
  if (resync100k !== undefined) t.push({ what: 'No-change resync, large tree', value: `${fmt(resync100k, 2)} s`, target: '≤ 3 s', met: resync100k <= 3 });
  const p50 = med('watch', 'cos-sync', 'p50S');
  if (p50 !== undefined) t.push({ what: 'Change to visible while watching, p50', value: `${fmt(p50, 2)} s (p95 ${fmt(med('watch', 'cos-sync', 'p95S'), 2)} s)`, target: '≤ 1 s', met: p50 <= 1 });
  const peaks = (['large', 'small', 'resync-10k'] as WorkloadId[]).map((w) => results.of(w, 'cos-sync', 'peakRssMB')?.max).filter((x): x is number => x !== undefined);
  if (peaks.length) t.push({ what: 'Peak RSS, workloads 1-3 (max over runs)', value: `${fmt(Math.max(...peaks), 0)} MB`, target: '≤ 300 MB', met: Math.max(...peaks) <= 300 });
  const idle = med('watch', 'cos-sync', 'idleRssMB');
  if (idle !== undefined) t.push({ what: 'Idle RSS while watching the large tree', value: `${fmt(idle, 0)} MB`, target: '≤ 150 MB', met: idle <= 150 });
  const again = results.of('resume', 'cos-sync', 'sentAgainBytes');
  if (again) t.push({ what: `Resume after a kill at 50 %: bytes sent again (part: ${fmt(partBytes / 2 ** 20, 0)} MiB)`, value: `${fmt(again.median / 2 ** 20)} MiB (max ${fmt(again.max / 2 ** 20)})`, target: '≤ 1 part', met: again.max <= partBytes });
  return t;
}

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

const verifiedOf = (results: Results, w: WorkloadId, tool: string) => {
  const s = results.samples.filter((x) => x.workload === w && x.tool === tool && x.verified !== undefined);
  if (s.length === 0) return '–';
  const bad = s.filter((x) => !x.verified).length;
  return bad ? `**${bad} of ${s.length} failed**` : `${s.length}/${s.length}`;
};

function markdown(results: Results, run: RunInfo, partBytes: number, pngName: string): { full: string; headline: string } {
  const c = run.config;
  const r = results;
  const out: string[] = [];
  const sizes = `large ${c.largeCount} x ${c.largeMiB} MiB; small ${c.smallCount.toLocaleString('en')} x ${c.smallKiB} KiB in ${c.smallFolders} folders; tree ${c.treeCount.toLocaleString('en')} files; ${c.changes} changes; resume ${c.resumeMiB} MiB`;
  out.push(`# cos-sync benchmark${c.quick ? ' (quick: tiny sizes, not for comparison)' : ''}`, '');
  out.push(`Run ${run.startedAt.toISOString()}, ${fmt(run.elapsedS / 60)} min, ${c.rounds} round(s) per figure (median, with min–max). Sizes: ${sizes}.`, '');
  out.push(`Machine: ${run.info.cpu}, ${run.info.memory}; load average at start ${run.info.loadavgAtStart}. Node ${run.info.node}; ${run.info.rclone}; ${run.info.aws}; ${run.info.ceph}.`, '');
  out.push(`![chart](${pngName})`, '');
  const tg = targets(r, partBytes);
  const targetTable = table(['Figure', 'Measured', 'Target', 'Met'], tg.map((t) => [t.what, t.value, t.target, t.met === undefined ? '–' : t.met ? 'yes' : '**no**']));
  out.push('## Targets', '', targetTable, '');

  const uploadRows = (w: WorkloadId, main: string, digits: number) => r.tools(w).map((tool) => [
    label(tool), range(r.of(w, tool, main), digits), range(r.of(w, tool, 'seconds'), 2), range(r.of(w, tool, 'cpuS'), 2),
    ...(w === 'large' ? [range(r.of(w, tool, 'cpuSPerGiB'), 2)] : []), range(r.of(w, tool, 'peakRssMB'), 0), fmt(r.of(w, tool, 'requests')?.median, 0), verifiedOf(r, w, tool),
  ]);
  if (r.tools('large').length) {
    out.push(`## 1. Large files: ${c.largeCount} x ${c.largeMiB} MiB, first upload`, '');
    out.push(table(['Tool', 'MB/s', 'Seconds', 'CPU s', 'CPU s/GiB', 'Peak RSS MB', 'Requests', 'Verified'], uploadRows('large', 'mbPerS', 1)), '');
  }
  if (r.tools('small').length) {
    out.push(`## 2. Small files: ${c.smallCount.toLocaleString('en')} x ${c.smallKiB} KiB in ${c.smallFolders} folders, first upload`, '');
    out.push(table(['Tool', 'Files/s', 'Seconds', 'CPU s', 'Peak RSS MB', 'Requests', 'Verified'], uploadRows('small', 'filesPerS', 0)), '');
  }
  const resyncRows = (w: WorkloadId, n: number) => r.tools(w).map((tool) => [
    `${label(tool)}, ${n.toLocaleString('en')} files`, range(r.of(w, tool, 'seconds'), 2), fmt(r.of(w, tool, 'requests')?.median, 0), range(r.of(w, tool, 'cpuS'), 2), range(r.of(w, tool, 'peakRssMB'), 0),
  ]);
  if (r.tools('resync-10k').length || r.tools('resync-100k').length) {
    out.push('## 3. No-change resync', '');
    out.push(table(['Tool, tree', 'Seconds', 'Requests', 'CPU s', 'Peak RSS MB'], [...resyncRows('resync-10k', c.smallCount), ...resyncRows('resync-100k', c.treeCount)]), '');
    const up = r.of('upload-100k', 'cos-sync', 'filesPerS');
    if (up) out.push(`First upload of the ${c.treeCount.toLocaleString('en')}-file tree by cos-sync (once, as setup): ${fmt(up.median, 0)} files/s, peak RSS ${fmt(r.of('upload-100k', 'cos-sync', 'peakRssMB')?.median, 0)} MB, ${fmt(r.of('upload-100k', 'cos-sync', 'requests')?.median, 0)} requests.`, '');
    const adopt = r.of('adopt-100k', 'cos-sync', 'seconds');
    if (adopt) out.push(`Setup of the ${c.treeCount.toLocaleString('en')}-file tree: the raw driver put it, then cos-sync's first pass adopted every object (same size and MD5, nothing sent): ${fmt(adopt.median, 1)} s, CPU ${fmt(r.of('adopt-100k', 'cos-sync', 'cpuS')?.median, 1)} s, peak RSS ${fmt(r.of('adopt-100k', 'cos-sync', 'peakRssMB')?.median, 0)} MB, ${fmt(r.of('adopt-100k', 'cos-sync', 'requests')?.median, 0)} requests.`, '');
  }
  const w = r.samples.find((s) => s.workload === 'watch')?.metrics;
  if (w) {
    out.push(`## 4. Watching ${c.treeCount.toLocaleString('en')} files: one small file changes`, '');
    out.push(table(['Figure', 'Value'], [
      [`Close → visible (HEAD shows the new ETag), over ${w.changes} changes`, `p50 ${fmt(w.p50S, 2)} s, p95 ${fmt(w.p95S, 2)} s, min ${fmt(w.minS, 2)} s, max ${fmt(w.maxS, 2)} s`],
      ['Close → the engine reports it uploaded, p50', `${fmt(w.engineP50S, 2)} s`],
      ['Requests per change (the bench\'s own HEAD polls left out)', fmt(w.requestsPerChange, 1)],
      ['CPU per change', `${fmt(w.cpuSPerChange, 3)} s`],
      ['First pass after start (no changes)', `${fmt(w.firstPassS, 1)} s`],
      [`Idle RSS (after ${w.idleSeconds} s idle)`, `${fmt(w.idleRssMB, 0)} MB; ${fmt(w.idleRequests, 0)} requests while idle`],
      ['Peak RSS of the watching process', `${fmt(w.peakRssMB, 0)} MB`],
    ]), '');
  }
  const resume = r.samples.filter((s) => s.workload === 'resume');
  if (resume.length) {
    out.push(`## 5. Resume: ${c.resumeMiB} MiB upload killed (SIGKILL) at 50 %, then run again`, '');
    out.push(table(['Round', 'Confirmed at kill MiB', 'Received in run 1 MiB', 'Sent by run 2 MiB', 'Sent again MiB', 'Run 2 seconds', 'Verified'], resume.map((s) => [
      String(s.round + 1), fmt(s.metrics.confirmedAtKill! / 2 ** 20), fmt(s.metrics.firstRunBytes! / 2 ** 20), fmt(s.metrics.secondRunBytes! / 2 ** 20), fmt(s.metrics.sentAgainBytes! / 2 ** 20), fmt(s.metrics.secondRunSeconds, 1), s.verified ? 'yes' : '**no**',
    ])), '');
  }
  out.push('## How it is measured', '', [
    '- Every tool is a separate process talking to the same Ceph RGW (memstore OSD, data in RAM) over plain HTTP on 127.0.0.1; `cos-sync (HTTPS)` is the same engine over TLS to the same gateway. Our engine runs as users run it: `node bin/cos-sync.js sync <folder> bench:<bucket>` with default settings.',
    '- Peers with their defaults, and tuned: rclone `--transfers 16 --checkers 16`, plus `--s3-no-head` for small files and `--s3-upload-concurrency 8 --s3-chunk-size 16M` for large ones; `aws s3 sync` with `max_concurrent_requests = 32`. Raw ceiling: a bare AWS SDK v3 client putting the same bytes from memory (16 MiB parts, 16 in flight; 64 small PUTs in flight), no checksums, timed from the first request to the last answer.',
    '- Wall time from process start to exit (the raw ceiling excepted). CPU seconds (user + system) and peak RSS from GNU time (`/usr/bin/time`, the kernel\'s rusage of the child). Idle RSS and the watcher\'s peak: `/proc/<pid>/status` (VmRSS, VmHWM).',
    '- Requests: RGW\'s own counters (`rgw.req`, `rgw.put_b` from `perf dump` on its admin socket) read before and after each run; nothing sits between the tools and the server. The bench\'s own listing, HEAD polling and cleanup happen outside those windows (HEAD polls while watching are counted and subtracted).',
    '- Each round runs the tools in a rotated order; after each upload the object count and bytes are checked, then the bucket is emptied and RGW\'s garbage collection run so the next run starts from the same state.',
    '- MB = 10^6 bytes, MiB = 2^20 bytes.',
  ].join('\n'), '');
  const headline = [
    `Measured on ${run.info.cpu} against a local Ceph RGW (${run.startedAt.toISOString().slice(0, 10)}; median of ${c.rounds} rounds; details and the chart in [bench/results/latest.md](bench/results/latest.md)):`, '',
    targetTable,
  ].join('\n');
  return { full: out.join('\n'), headline };
}

interface Bar {
  label: string;
  color: string;
  stat: Stat;
}

function panel(x: number, y: number, w: number, h: number, title: string, unit: string, bars: Bar[]): string {
  const parts: string[] = [`<text x="${x}" y="${y + 16}" font-size="15" font-weight="bold">${esc(title)}</text>`];
  if (bars.length === 0) return parts.concat(`<text x="${x}" y="${y + 50}" font-size="12" fill="#888">not run</text>`).join('');
  const max = Math.max(...bars.map((b) => b.stat.max)) * 1.3 || 1;
  const labelW = 170;
  const top = y + 30;
  const rowH = Math.min(30, (h - 40) / bars.length);
  const plotW = w - labelW - 10;
  const sx = (v: number) => x + labelW + (v / max) * plotW;
  bars.forEach((b, i) => {
    const cy = top + i * rowH;
    parts.push(`<text x="${x + labelW - 6}" y="${cy + rowH * 0.62}" font-size="12" text-anchor="end">${esc(b.label)}</text>`);
    parts.push(`<rect x="${x + labelW}" y="${cy + 3}" width="${Math.max(1, sx(b.stat.median) - x - labelW)}" height="${rowH - 6}" fill="${b.color}"/>`);
    if (b.stat.n > 1) {
      const my = cy + rowH / 2;
      parts.push(`<line x1="${sx(b.stat.min)}" x2="${sx(b.stat.max)}" y1="${my}" y2="${my}" stroke="#222" stroke-width="1.5"/>`);
      for (const v of [b.stat.min, b.stat.max]) parts.push(`<line x1="${sx(v)}" x2="${sx(v)}" y1="${my - 5}" y2="${my + 5}" stroke="#222" stroke-width="1.5"/>`);
    }
    parts.push(`<text x="${sx(b.stat.max) + 6}" y="${cy + rowH * 0.62}" font-size="11" fill="#333">${fmt(b.stat.median, b.stat.median < 10 ? 2 : 1)} ${esc(unit)}</text>`);
  });
  return parts.join('');
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function bars(results: Results, w: WorkloadId, metric: string, suffix = ''): Bar[] {
  return results.tools(w).flatMap((tool) => {
    const s = results.of(w, tool, metric);
    return s ? [{ label: label(tool) + suffix, color: COLORS[tool] ?? '#999', stat: s }] : [];
  });
}

function svg(results: Results, run: RunInfo): { svg: string; width: number; height: number } {
  const c = run.config;
  const W = 1200;
  const H = 820;
  const pw = 570;
  const ph = 360;
  const resync = [...bars(results, 'resync-10k', 'seconds', `, ${c.smallCount / 1000}k`), ...bars(results, 'resync-100k', 'seconds', `, ${c.treeCount / 1000}k`)];
  const rss = [...bars(results, 'large', 'peakRssMB', ', large'), ...bars(results, 'small', 'peakRssMB', ', small')].filter((b) => b.label.startsWith('cos-sync') || b.label.startsWith('rclone') || b.label.startsWith('aws'));
  const body = [
    panel(20, 50, pw, ph, `1. Large files ${c.largeCount} x ${c.largeMiB} MiB: MB/s (higher is better)`, 'MB/s', bars(results, 'large', 'mbPerS')),
    panel(610, 50, pw, ph, `2. Small files ${c.smallCount.toLocaleString('en')} x ${c.smallKiB} KiB: files/s (higher is better)`, 'files/s', bars(results, 'small', 'filesPerS')),
    panel(20, 440, pw, ph, '3. No-change resync: seconds (lower is better)', 's', resync),
    panel(610, 440, pw, ph, '6. Peak RSS, MB (lower is better)', 'MB', rss.slice(0, 12)),
  ].join('');
  const title = `cos-sync vs rclone vs aws s3 sync on Ceph RGW, loopback — ${run.startedAt.toISOString().slice(0, 10)}, ${(run.info.cpu ?? "?").split(" x ")[0]} cores, median of ${c.rounds} (bars: min–max)`;
  return {
    width: W, height: H,
    svg: `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif"><rect width="100%" height="100%" fill="white"/><text x="20" y="28" font-size="17">${esc(title)}</text>${body}</svg>`,
  };
}

async function renderPng(svgText: string, width: number, height: number, pngFile: string, scratch: string): Promise<void> {
  const html = join(scratch, 'chart.html');
  await writeFile(html, `<!doctype html><html><body style="margin:0">${svgText}</body></html>`);
  await execFileAsync('chromium', [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--hide-scrollbars', `--user-data-dir=${join(scratch, 'profile')}`, `--window-size=${width},${height}`, `--screenshot=${pngFile}`, `file://${html}`,
  ], { timeout: 60_000 });
}

const README_BEGIN = '<!-- bench:begin (written by npm run bench) -->';
const README_END = '<!-- bench:end -->';

async function updateReadme(projectDir: string, headline: string): Promise<void> {
  const file = join(projectDir, 'README.md');
  const text = await readFile(file, 'utf8');
  const block = `${README_BEGIN}\n${headline}\n${README_END}`;
  const start = text.indexOf(README_BEGIN);
  const end = text.indexOf(README_END);
  if (start >= 0 && end > start) await writeFile(file, text.slice(0, start) + block + text.slice(end + README_END.length));
  else await writeFile(file, `${text.trimEnd()}\n\n${block}\n`);
}

/** Writes the report files; returns their paths. */
export async function writeReport(results: Results, run: RunInfo, projectDir: string): Promise<string[]> {
  const outDir = run.config.outDir;
  await mkdir(outDir, { recursive: true });
  const name = run.config.quick ? 'quick' : 'latest';
  const partBytes = 8 * 2 ** 20; // the engine's part size for files up to ~70 GiB (src/main/engine/sync/part-size.ts)
  const { full, headline } = markdown(results, run, partBytes, `${name}.png`);
  const md = join(outDir, `${name}.md`);
  const json = join(outDir, `${name}.json`);
  const png = join(outDir, `${name}.png`);
  await writeFile(md, `${full}\n`);
  await writeFile(json, `${JSON.stringify({ startedAt: run.startedAt, elapsedS: run.elapsedS, config: run.config, info: run.info, samples: results.samples }, null, 2)}\n`);
  const chart = svg(results, run);
  const scratch = join(outDir, `.chart-${process.pid}`);
  await mkdir(scratch, { recursive: true });
  const written = [md, json];
  try {
    await renderPng(chart.svg, chart.width, chart.height, png, scratch);
    written.push(png);
  } catch (err) {
    process.stderr.write(`[bench] the chart was not rendered: ${(err as Error).message.split('\n')[0]}\n`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  if (run.config.readme) {
    await updateReadme(projectDir, headline);
    written.push('README.md');
  }
  return written;
}
