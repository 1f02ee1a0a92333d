// Why: a view or an Array that leaks a little native memory per call takes a
// long-running server down. Each check runs in its own node with --expose-gc,
// against the built package (dist/), in two equal halves: the RSS growth of the
// second half (after the first has warmed every cache and pool up) must stay
// far below what even a small per-iteration leak would add (500k iterations ×
// 130 bytes ≈ 64 MB). The loops yield to the event loop every 10k iterations,
// as any real program does: Node runs Node-API finalizers (the native memory
// behind dropped Arrays and views) from the event loop, never inside a
// synchronous loop.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..');
const BOUND_MB = 64;

interface Result {
  midMB: number;
  endMB: number;
  growthMB: number;
  maps?: { base: number; peak: number; end: number };
}

function env(): NodeJS.ProcessEnv {
  const e = { ...process.env };
  // Under test:sanitize, ASan's quarantine (256 MB of freed blocks kept aside)
  // would look like growth: keep it small for these measurements.
  if (e.ASAN_OPTIONS !== undefined) e.ASAN_OPTIONS += ':quarantine_size_mb=8';
  return e;
}

/** Runs `body` (a function of the loop index) `n` times in a fresh node, in two halves. */
function measure(n: number, setup: string, body: string): Result {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memview-leaks-'));
  const file = path.join(dir, 'leak.js');
  fs.writeFileSync(
    file,
    `const memview = require(${JSON.stringify(path.join(root, 'dist'))});
const { memoryview, array, mmap, slice } = memview;
const fs = require('node:fs');
const mapCount = () => fs.readFileSync('/proc/self/maps', 'utf8').split('\\n').length;
${setup}
const step = (i) => { ${body} };
const tick = () => new Promise((resolve) => setImmediate(resolve));
const settle = async () => {
  for (let k = 0; k < 3; k++) { global.gc(); await tick(); }
  return process.memoryUsage().rss / 2 ** 20;
};
let peakMaps = 0;
const half = async (from) => {
  for (let i = from; i < from + ${n / 2}; i += 10000) {
    for (let j = i; j < i + 10000; j++) step(j);
    if (i % 100000 === 0) { global.gc(); peakMaps = Math.max(peakMaps, mapCount()); }
    await tick();
  }
};
(async () => {
  const base = mapCount();
  await half(0);
  const midMB = await settle();
  await half(${n / 2});
  const endMB = await settle();
  console.log(JSON.stringify({ midMB, endMB, growthMB: endMB - midMB, maps: { base, peak: peakMaps, end: mapCount() } }));
})();
`,
  );
  try {
    const out = execFileSync(process.execPath, ['--expose-gc', file], { env: env(), encoding: 'utf8', cwd: dir, maxBuffer: 1 << 20 });
    return JSON.parse(out.trim().split('\n').pop()!) as Result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('1M views created and released keep RSS bounded', () => {
  const r = measure(1_000_000, 'const buf = Buffer.alloc(64);', "const v = memoryview(buf).cast('H'); v.get(1); v.toBytes(); v.release();");
  expect(r.growthMB).toBeLessThan(BOUND_MB);
}, 300_000);

test('cast + slice over a 1 GiB buffer copy nothing (zero copy, no RSS growth)', () => {
  // A copy of even one item range per view would add ~1 GiB per iteration.
  const r = measure(200_000, 'const ab = new ArrayBuffer(2 ** 30);', "const v = memoryview(ab).cast('d').get(slice(1, -1)); if (v.length !== 2 ** 27 - 2) throw new Error('wrong view');");
  expect(r.growthMB).toBeLessThan(BOUND_MB);
  expect(r.endMB).toBeLessThan(512); // the 1 GiB buffer itself was never touched
}, 300_000);

test('1M Arrays created, grown and dropped keep RSS bounded', () => {
  const r = measure(1_000_000, '', "const a = array('d', [1, 2, 3]); a.append(i); a.extend(new Float64Array(4)); const v = memoryview(a); v.get(0); v.release();");
  expect(r.growthMB).toBeLessThan(BOUND_MB);
}, 300_000);

test('1M views dropped without release() keep RSS bounded (collected)', () => {
  const r = measure(1_000_000, 'const buf = Buffer.alloc(64);', "memoryview(buf).cast('d').get(0);");
  expect(r.growthMB).toBeLessThan(BOUND_MB);
}, 300_000);

test('200k views over Arrays dropped without release() end their exports when collected', () => {
  // Each holds an export of native memory (an external ArrayBuffer and a
  // FinalizationRegistry entry): slower per view, hence fewer.
  const r = measure(200_000, '', "memoryview(array('i', [1, 2, i & 0xffff])).get(2);");
  expect(r.growthMB).toBeLessThan(BOUND_MB);
}, 300_000);

test('100k mmap + release cycles keep RSS bounded and stay far below the mapping limit', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memview-leaks-mmap-'));
  try {
    const file = path.join(dir, 'data');
    fs.writeFileSync(file, Buffer.alloc(8192, 1));
    const r = measure(100_000, `const file = ${JSON.stringify(file)};`, 'const m = mmap(file, { offset: i % 5000 }); m.get(0); m.release();');
    expect(r.growthMB).toBeLessThan(BOUND_MB);
    // vm.max_map_count is 65,530 by default: released mappings must really be gone.
    expect(r.maps!.peak).toBeLessThan(r.maps!.base + 1000);
    expect(r.maps!.end).toBeLessThan(r.maps!.base + 1000);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);
