// Run by test/capi.test.ts as `node workers-child.js <addon> <workers>`, on the
// built package (dist/): memview and the consumer addon load in several
// worker threads at once, each env with its own table. Prints one JSON report.
const path = require('node:path');
const { setImmediate } = require('node:timers');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

const memview = require(path.join(__dirname, '..', '..'));
const addon = require(workerData?.addon ?? process.argv[2]);

// Exports, strided sums and foreign memory, many times over: each thread's
// table cache must keep answering with its own env's table.
function exercise(seed) {
  addon.importApi();
  const buffer = new Float64Array(64).map((_, i) => i + seed);
  let sum = 0;
  for (let round = 0; round < 200; round++) {
    sum = addon.sum(memview.memoryview(buffer.buffer).cast('d').get(memview.slice(null, null, 2)));
    const wrapped = addon.wrap({ len: 32, format: 'd', doubles: true });
    if (addon.sum(wrapped) !== 6) throw new Error('wrapped memory reads wrong');
    wrapped.release();
  }
  const items = memview.array('d', [seed, seed]);
  const handle = addon.hold(items, 0);
  let locked = false;
  try {
    items.append(1);
  } catch (error) {
    locked = error.name === 'BufferError';
  }
  addon.release(handle);
  items.append(1);
  return { sum, locked, table: addon.tableAddress().toString() };
}

if (isMainThread) {
  const n = Number(process.argv[3] ?? 4);
  const main = exercise(0);
  const workers = [];
  for (let i = 1; i <= n; i++) {
    workers.push(
      new Promise((resolve, reject) => {
        const worker = new Worker(path.join(__dirname, 'workers-child.js'), { workerData: { addon: process.argv[2], seed: i } });
        let result;
        worker.on('message', (message) => (result = message));
        worker.on('error', reject);
        worker.on('exit', () => resolve(result));
      }),
    );
  }
  Promise.all(workers).then(async (results) => {
    const after = exercise(0);
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    const { count, wrongEnv } = addon.finalized();
    console.log(JSON.stringify({ main, after, workers: results, finalized: count, wrongEnv }));
  });
} else {
  const result = exercise(workerData.seed);
  // Alive at the worker's exit: finalized by its env's teardown.
  globalThis.keep = addon.wrap({ len: 8 });
  parentPort.postMessage(result);
}
