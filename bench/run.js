// bench/run.js — `npm run bench [filter]`: every bench/*.bench.js workload, each
// competitor timed in a fresh process (so JIT state never leaks between them),
// reported as a ratio to the workload's baseline measured in the same run.
// Writes the table to bench/README.md (the last measured table).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const filter = process.argv[2] ?? '';
const files = fs
  .readdirSync(__dirname)
  .filter((f) => f.endsWith('.bench.js') && f.includes(filter))
  .sort();

function trial(file, index, competitor) {
  const out = execFileSync(process.execPath, ['--expose-gc', path.join(__dirname, 'trial.js'), file, String(index), competitor], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop());
}

const rows = [];
// A bench file exports one workload or an array of them.
const workloads = files.flatMap((file) => [].concat(require(path.join(__dirname, file))).map((w, index) => ({ file, index, w })));
for (const { file, index, w: workload } of workloads) {
  const results = {};
  for (const name of Object.keys(workload.competitors)) {
    try {
      results[name] = trial(file, index, name);
    } catch (error) {
      results[name] = { skipped: String(error.message).split('\n')[0] };
    }
  }
  const base = results[workload.baseline];
  for (const [name, r] of Object.entries(results)) {
    const target = workload.targets?.[name];
    const ratio = r.ns !== undefined && base?.ns ? r.ns / base.ns : undefined;
    const medianRatio = r.median !== undefined && base?.ns ? r.median / (base.median ?? base.ns) : undefined;
    const row = {
      workload: workload.title,
      competitor: name,
      ns: r.ns === undefined ? '—' : r.ns.toPrecision(3),
      medianRatio: medianRatio === undefined ? '—' : `${medianRatio.toFixed(2)}×`,
      ratio: ratio === undefined ? (r.skipped ? `skipped: ${r.skipped}` : '—') : `${ratio.toFixed(2)}×`,
      target: target ? `${target.op ?? '≤'} ${target.ratio}×` : '',
      ok: ratio === undefined || !target ? '' : (target.op === '≥' ? 1 / ratio >= target.ratio : ratio <= target.ratio) ? 'yes' : 'NO',
    };
    rows.push(row);
    console.log(`${row.workload} | ${row.competitor} | ${row.ns} ns/${workload.unit ?? 'op'} | ${row.ratio} of ${workload.baseline} ${row.target} ${row.ok}`);
  }
}

const header = `# Benchmarks — last measured run

Run with \`npm run bench\` (optionally \`npm run bench -- <file filter>\`). Each competitor runs in a
fresh process; each ratio is its time over the workload's baseline measured in the same run
(lower is faster), from each competitor's best run (as Python's timeit reports); the last
column compares medians instead, which include runs slowed by the machine or by fresh memory
faulting in (first-touch page faults are very slow on these VMs). For targets written "≥ k×", the competitor must be k times faster than the
baseline named in the workload. Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${os.platform()}-${os.arch()} (a shared, noisy machine: compare ratios, not nanoseconds).

| workload | competitor | best ns per unit | ratio to baseline | target | met | median ratio |
|---|---|---|---|---|---|---|
`;
if (filter === '') {
  const table = rows.map((r) => `| ${r.workload} | ${r.competitor} | ${r.ns} | ${r.ratio} | ${r.target} | ${r.ok} | ${r.medianRatio} |`).join('\n');
  fs.writeFileSync(path.join(__dirname, 'README.md'), header + table + '\n');
}
