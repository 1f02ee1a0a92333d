// bench/python.js — times a python3 snippet (CPython or numpy competitors) in a
// subprocess; returns ns per unit, or throws (the row is then skipped) where
// python3 or numpy is missing.
const { execFileSync } = require('node:child_process');

/** `setup` runs once; `stmt` is timed with timeit (best of 5) and divided by `units`. */
function pythonNs(setup, stmt, units, number = 1) {
  const script = `
import timeit
setup = ${JSON.stringify(setup)}
stmt = ${JSON.stringify(stmt)}
t = min(timeit.repeat(stmt, setup=setup, number=${number}, repeat=5)) / ${number}
print(t * 1e9 / ${units})
`;
  const out = execFileSync('python3', ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return Number(out.trim());
}

module.exports = { pythonNs };
