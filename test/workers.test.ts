// Why: the addon is loaded once per process but used by every worker thread,
// each with its own env (binding/env_state.h): per-env state, finalizers at env
// teardown and kernels racing over one SharedArrayBuffer must never crash the
// process. 8 workers load memview together and hammer views over one
// SharedArrayBuffer (get/set/toBytes/equals/assign/count/hex on overlapping
// slices, plus their own Arrays and views over them, some never released);
// some are terminated mid-loop, the rest stop by themselves; then the main
// thread keeps working. Each scenario runs in a child process (a crash there
// must fail the test, not take jest down): exit code 0, no signal, and the
// child's last line says every round finished.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..');

const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const { memoryview, array, slice, struct } = require(workerData.dist);
const { sab, id, stopAfterMs } = workerData;
const whole = memoryview(sab);
const m = whole.cast('I');
const n = m.length;
const started = Date.now();
let rounds = 0;
const keep = [];
parentPort.postMessage('ready');
for (;;) {
  for (let k = 0; k < 200; k++) {
    const i = (k * 7 + id * 13) % (n - 64);
    m.set(i, (m.get(i) + 1) >>> 0);
    // Overlapping slices of one memory, in every worker at once.
    const a = m.get(slice(i, i + 32));
    const b = m.get(slice(i + 16, i + 48));
    a.assign(b);
    a.equals(b);
    a.toBytes();
    m.get(slice(i, i + 64, 3)).toBytes('F');
    whole.get(slice(i * 4, i * 4 + 40)).hex(':', 4);
    m.get(slice(i, i + 64)).count(id);
    memoryview(m.get(slice(i, i + 8)).share()).toList();
    struct.unpackFrom('<4I', sab, i * 4);
    struct.packInto('<I', sab, i * 4, id);
  }
  // Native memory of this env: Arrays, exports, some views never released.
  const arr = array('d', [id, rounds, 3]);
  arr.extend(new Float64Array(64));
  const v = memoryview(arr);
  v.cast('B').toBytes();
  if (rounds % 2) v.release();
  else keep.push(v);
  if (keep.length > 50) keep.shift();
  rounds++;
  if (stopAfterMs >= 0 && Date.now() - started > stopAfterMs) break;
}
parentPort.postMessage('done ' + rounds);
`;

const MAIN = `
const { Worker } = require('node:worker_threads');
const dist = process.argv[2];
const workerFile = process.argv[3];
const { memoryview, array } = require(dist);
const sab = new SharedArrayBuffer(1 << 16);
async function round(r) {
  const workers = [];
  for (let id = 0; id < 8; id++) {
    // Even workers are terminated mid-loop; odd ones stop by themselves.
    const stopAfterMs = id % 2 ? 300 + 50 * id : -1;
    const w = new Worker(workerFile, { workerData: { dist, sab, id, stopAfterMs } });
    workers.push(new Promise((resolve, reject) => {
      w.on('error', reject);
      w.on('exit', resolve);
      w.on('message', (msg) => {
        if (msg === 'ready' && id % 2 === 0) setTimeout(() => w.terminate(), 100 + 37 * id + 13 * r);
      });
    }));
  }
  // The main thread works on the same memory meanwhile.
  const m = memoryview(sab).cast('H');
  const until = Date.now() + 400;
  while (Date.now() < until) {
    m.toBytes();
    array('i', [1, 2, 3]).extend(new Int32Array(16));
    await new Promise((resolve) => setImmediate(resolve));
  }
  const codes = await Promise.all(workers);
  return codes;
}
(async () => {
  for (let r = 0; r < 3; r++) {
    const codes = await round(r);
    if (codes.some((c) => c !== 0 && c !== 1)) throw new Error('worker exit codes ' + codes);
  }
  console.log('rounds done');
})().catch((e) => { console.error(e); process.exit(2); });
`;

function runChild(): { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memview-workers-'));
  try {
    fs.writeFileSync(path.join(dir, 'worker.js'), WORKER);
    fs.writeFileSync(path.join(dir, 'main.js'), MAIN);
    const r = spawnSync(process.execPath, [path.join(dir, 'main.js'), path.join(root, 'dist'), path.join(dir, 'worker.js')], {
      encoding: 'utf8',
      timeout: 240_000,
    });
    return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('8 workers hammering one SharedArrayBuffer, half terminated mid-loop: the process exits cleanly', () => {
  for (let attempt = 0; attempt < 2; attempt++) {
    const r = runChild();
    expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
    expect(r.stdout.trim().split('\n').pop()).toBe('rounds done');
  }
}, 300_000);
