// bench/trial.js <file> <workload index> <competitor> — times one competitor of one workload in
// this (fresh) process and prints {"ns": <median ns per unit>} as its last line.
//
// A competitor is a factory returning either {units, run()} — timed here, after
// warm-up, over repeated runs — or {measure() → ns per unit} for competitors
// timed elsewhere (python3 subprocesses, best of 5 as timeit does). Reports the
// best run (comparable with timeit's) and the median (what a busy process sees:
// e.g. fresh result Buffers that fault their pages in until GC recycles memory).
const path = require('node:path');

const [file, index, name] = process.argv.slice(2);
const workload = [].concat(require(path.join(__dirname, file)))[Number(index)];
const competitor = workload.competitors[name]();

function medianOf(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

let ns;
let median;
if (typeof competitor.measure === 'function') {
  ns = competitor.measure();
} else {
  const budgetNs = Number(process.env.BENCH_MS ?? 400) * 1e6;
  let sink = 0;
  for (let i = 0; i < 3; i++) sink += Number(competitor.run()) || 0; // warm up
  const samples = [];
  const start = process.hrtime.bigint();
  while (samples.length < 5 || (Number(process.hrtime.bigint() - start) < budgetNs && samples.length < 200)) {
    const t0 = process.hrtime.bigint();
    sink += Number(competitor.run()) || 0;
    samples.push(Number(process.hrtime.bigint() - t0) / competitor.units);
  }
  ns = Math.min(...samples);
  median = medianOf(samples);
  if (sink === 0.123456) console.error('');
}
console.log(JSON.stringify({ ns, median }));
