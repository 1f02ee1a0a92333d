// Bulk MemoryView work against memcpy, numpy, CPython and hand-written JS (issue 3).
const { memoryview, slice } = require('../dist');
const { pythonNs } = require('./python');

const ROWS = 2048;
const COLS = 2048;
const MATRIX_BYTES = ROWS * COLS * 8;

function matrix() {
  const a = new Float64Array(ROWS * COLS);
  for (let i = 0; i < a.length; i++) a[i] = i;
  return memoryview(a).cast('B').cast('d', [ROWS, COLS]);
}

const memcpy = (bytes) => () => {
  const src = Buffer.alloc(bytes, 1);
  const dst = Buffer.alloc(bytes);
  return { units: 1, run: () => src.copy(dst) };
};

const I_COUNT = 1 << 20;

module.exports = [
  {
    title: 'toBytes() of every other column, 2048×2048 d',
    unit: 'matrix',
    baseline: "numpy a[:, ::2].tobytes()",
    competitors: {
      'memcpy of the result size': memcpy(MATRIX_BYTES / 2),
      "numpy a[:, ::2].tobytes()": () => ({
        measure: () => pythonNs('import numpy as np; a = np.arange(2048*2048, dtype="d").reshape(2048, 2048)', 'a[:, ::2].tobytes()', 1, 5),
      }),
      "memview get(slice(), slice(null, null, 2)).toBytes()": () => {
        const v = matrix().get(slice(), slice(null, null, 2));
        return { units: 1, run: () => v.toBytes().length };
      },
      // The same gather into memory that is already faulted in: the kernel alone,
      // without the fresh result Buffer's first-touch page faults.
      'memview assign() into a reused buffer': () => {
        const v = matrix().get(slice(), slice(null, null, 2));
        const out = memoryview(new Float64Array(ROWS * (COLS / 2))).cast('B').cast('d', [ROWS, COLS / 2]);
        return { units: 1, run: () => out.assign(v) };
      },
    },
    targets: { "memview get(slice(), slice(null, null, 2)).toBytes()": { ratio: 1.1 } },
  },
  {
    title: "toBytes('F') of a 2048×2048 d matrix",
    unit: 'matrix',
    baseline: 'numpy a.T.tobytes()',
    competitors: {
      'memcpy of the matrix': memcpy(MATRIX_BYTES),
      'numpy a.T.tobytes()': () => ({
        measure: () => pythonNs('import numpy as np; a = np.arange(2048*2048, dtype="d").reshape(2048, 2048)', 'a.T.tobytes()', 1, 3),
      }),
      "memview toBytes('F')": () => {
        const v = matrix();
        return { units: 1, run: () => v.toBytes('F').length };
      },
    },
    targets: { "memview toBytes('F')": { ratio: 1.2 } },
  },
  {
    title: "toList() of 1M 'i' items",
    unit: 'item',
    baseline: 'JS loop from Int32Array',
    competitors: {
      'JS loop from Int32Array': () => {
        const a = new Int32Array(I_COUNT).map((_, i) => i);
        return {
          units: I_COUNT,
          run: () => {
            const out = new Array(a.length);
            for (let i = 0; i < a.length; i++) out[i] = a[i];
            return out.length;
          },
        };
      },
      'memview toList()': () => {
        const m = memoryview(new Int32Array(I_COUNT).map((_, i) => i));
        return { units: I_COUNT, run: () => m.toList().length };
      },
    },
    targets: { 'memview toList()': { ratio: 1.5 } },
  },
  ...[1024, 1 << 30].map((bytes) => ({
    title: `cast('d').get(slice(1, -1)) over ${bytes === 1024 ? '1 KiB' : '1 GiB'}`,
    unit: 'op',
    baseline: 'CPython memoryview(b).cast("d")[1:-1]',
    competitors: {
      'CPython memoryview(b).cast("d")[1:-1]': () => ({
        measure: () => pythonNs(`b = bytearray(${bytes})`, 'memoryview(b).cast("d")[1:-1]', 1, 100000),
      }),
      'memview memoryview(ab).cast("d").get(slice(1, -1))': () => {
        const ab = new ArrayBuffer(bytes);
        const s = slice(1, -1);
        return { units: 1000, run: () => {
          let n = 0;
          for (let i = 0; i < 1000; i++) n += memoryview(ab).cast('d').get(s).ndim;
          return n;
        } };
      },
    },
    targets: { 'memview memoryview(ab).cast("d").get(slice(1, -1))': { ratio: 1 } },
  })),
  {
    title: "big-endian toList() of 1M '>H'",
    unit: 'item',
    baseline: 'DataView loop',
    competitors: {
      'DataView loop': () => {
        const dv = new DataView(new ArrayBuffer(2 * I_COUNT));
        return {
          units: I_COUNT,
          run: () => {
            const out = new Array(I_COUNT);
            for (let i = 0; i < I_COUNT; i++) out[i] = dv.getUint16(i * 2, false);
            return out.length;
          },
        };
      },
      "memview cast('>H').toList()": () => {
        const m = memoryview(new ArrayBuffer(2 * I_COUNT)).cast('>H');
        return { units: I_COUNT, run: () => m.toList().length };
      },
    },
    targets: { "memview cast('>H').toList()": { ratio: 1.2 } },
  },
  {
    title: "big-endian toList() of 1M '>d'",
    unit: 'item',
    baseline: 'DataView loop',
    competitors: {
      'DataView loop': () => {
        const dv = new DataView(new ArrayBuffer(8 * I_COUNT));
        return {
          units: I_COUNT,
          run: () => {
            const out = new Array(I_COUNT);
            for (let i = 0; i < I_COUNT; i++) out[i] = dv.getFloat64(i * 8, false);
            return out.length;
          },
        };
      },
      "memview cast('>d').toList()": () => {
        const m = memoryview(new ArrayBuffer(8 * I_COUNT)).cast('>d');
        return { units: I_COUNT, run: () => m.toList().length };
      },
    },
    targets: { "memview cast('>d').toList()": { ratio: 1.2 } },
  },
  {
    title: "big-endian get(i) of '>H'",
    unit: 'item',
    baseline: 'DataView.getUint16(i*2, false)',
    competitors: {
      'DataView.getUint16(i*2, false)': () => {
        const dv = new DataView(new ArrayBuffer(2 * I_COUNT));
        return {
          units: I_COUNT,
          run: () => {
            let s = 0;
            for (let i = 0; i < I_COUNT; i++) s += dv.getUint16(i * 2, false);
            return s;
          },
        };
      },
      "memview cast('>H').get(i)": () => {
        const m = memoryview(new ArrayBuffer(2 * I_COUNT)).cast('>H');
        return {
          units: I_COUNT,
          run: () => {
            let s = 0;
            for (let i = 0; i < I_COUNT; i++) s += m.get(i);
            return s;
          },
        };
      },
    },
    targets: { "memview cast('>H').get(i)": { ratio: 1.5 } },
  },
];
