// Array workloads (issue 4): append, byteswap, count / index, each against the
// hand-written JS (or Node built-in) that does the same job, and CPython.
const { array } = require('../dist');
const { pythonNs } = require('./python');

const APPENDS = 10_000_000;
const SWAP_BYTES = 64 << 20;
const SEARCH = 1 << 20;

/** What a careful JS programmer writes: a Float64Array that doubles when full. */
class GrowableFloat64 {
  constructor() {
    this.data = new Float64Array(8);
    this.length = 0;
  }
  push(x) {
    if (this.length === this.data.length) {
      const data = new Float64Array(this.data.length * 2);
      data.set(this.data);
      this.data = data;
    }
    this.data[this.length++] = x;
  }
}

function searchData() {
  // 1M distinct-ish values; the probe sits at the very end, so every scan is full.
  const values = new Int32Array(SEARCH).map((_, i) => i % 1000);
  values[SEARCH - 1] = -7;
  return values;
}

module.exports = [
  {
    title: "10M append of 'd'",
    unit: 'item',
    baseline: 'growable Float64Array',
    competitors: {
      'growable Float64Array': () => ({
        units: APPENDS,
        run: () => {
          const a = new GrowableFloat64();
          for (let i = 0; i < APPENDS; i++) a.push(i);
          return a.length;
        },
      }),
      'memview Array.append': () => ({
        units: APPENDS,
        run: () => {
          const a = array('d');
          for (let i = 0; i < APPENDS; i++) a.append(i);
          return a.length;
        },
      }),
      'CPython array.append loop': () => ({
        measure: () => pythonNs('from array import array; xs = [float(i) for i in range(1000000)]', "a = array('d')\nap = a.append\nfor x in xs: ap(x)", 1000000),
      }),
    },
    targets: { 'memview Array.append': { ratio: 1.5 } },
  },
  {
    title: 'byteswap of 64 MiB (d)',
    unit: 'MiB',
    baseline: 'Buffer#swap64',
    competitors: {
      'Buffer#swap64': () => {
        const buf = Buffer.alloc(SWAP_BYTES, 1);
        return { units: 64, run: () => buf.swap64().length };
      },
      'memview Array.byteswap': () => {
        const a = array('d', Buffer.alloc(SWAP_BYTES, 1));
        return { units: 64, run: () => (a.byteswap(), a.length) };
      },
      'numpy byteswap(inplace=True)': () => ({
        measure: () => pythonNs('import numpy as np; a = np.ones(8 << 20)', 'a.byteswap(inplace=True)', 64, 5),
      }),
    },
    targets: { 'memview Array.byteswap': { ratio: 1.1 } },
  },
  {
    title: "count / index of 1M 'i'",
    unit: 'item',
    baseline: 'Int32Array#indexOf',
    competitors: {
      'Int32Array#indexOf': () => {
        const values = searchData();
        return { units: SEARCH, run: () => values.indexOf(-7) };
      },
      'memview Array.count': () => {
        const a = array('i', searchData());
        return { units: SEARCH, run: () => a.count(-7) };
      },
      'memview Array.index': () => {
        const a = array('i', searchData());
        return { units: SEARCH, run: () => a.index(-7) };
      },
      'CPython array.count': () => ({
        measure: () => pythonNs("from array import array; a = array('i', [i % 1000 for i in range(1 << 20)]); a[-1] = -7", 'a.count(-7)', 1 << 20, 3),
      }),
      'numpy count_nonzero(a == x)': () => ({
        measure: () => pythonNs("import numpy as np; a = (np.arange(1 << 20) % 1000).astype('i'); a[-1] = -7", 'np.count_nonzero(a == -7)', 1 << 20, 20),
      }),
    },
    targets: { 'memview Array.count': { ratio: 1.5 }, 'memview Array.index': { ratio: 1.5 } },
  },
];
