// get(i) / set(i, v) on a 1-D native-order view, against a raw typed-array loop
// and scijs ndarray (issue 3: ≤ 1.5× raw, within 1.1× of ndarray.get/set).
const { memoryview } = require('../dist');

const N = 1 << 20;
let ndarray;
try {
  ndarray = require('ndarray');
} catch {
  ndarray = undefined;
}

function reads(Typed, viaView) {
  return () => {
    const a = new Typed(N).map((_, i) => i & 127);
    const m = memoryview(a);
    return {
      units: N,
      run: viaView
        ? () => {
            let s = 0;
            for (let i = 0; i < N; i++) s += m.get(i);
            return s;
          }
        : () => {
            let s = 0;
            for (let i = 0; i < N; i++) s += a[i];
            return s;
          },
    };
  };
}

function writes(Typed, viaView) {
  return () => {
    const a = new Typed(N);
    const m = memoryview(a);
    return {
      units: N,
      run: viaView
        ? () => {
            for (let i = 0; i < N; i++) m.set(i, i & 127);
            return a[7];
          }
        : () => {
            for (let i = 0; i < N; i++) a[i] = i & 127;
            return a[7];
          },
    };
  };
}

function ndarrayReads(Typed) {
  return () => {
    if (!ndarray) throw new Error('ndarray not installed');
    const a = new Typed(N).map((_, i) => i & 127);
    const nd = ndarray(a, [N]);
    return {
      units: N,
      run: () => {
        let s = 0;
        for (let i = 0; i < N; i++) s += nd.get(i);
        return s;
      },
    };
  };
}

function ndarrayWrites(Typed) {
  return () => {
    if (!ndarray) throw new Error('ndarray not installed');
    const a = new Typed(N);
    const nd = ndarray(a, [N]);
    return {
      units: N,
      run: () => {
        for (let i = 0; i < N; i++) nd.set(i, i & 127);
        return a[7];
      },
    };
  };
}

module.exports = [
  {
    title: "get(i), 1-D 'd'",
    unit: 'item',
    baseline: 'Float64Array loop',
    competitors: { 'Float64Array loop': reads(Float64Array, false), 'memview get': reads(Float64Array, true), 'ndarray get': ndarrayReads(Float64Array) },
    targets: { 'memview get': { ratio: 1.5 } },
  },
  {
    title: "get(i), 1-D 'h'",
    unit: 'item',
    baseline: 'Int16Array loop',
    competitors: { 'Int16Array loop': reads(Int16Array, false), 'memview get': reads(Int16Array, true), 'ndarray get': ndarrayReads(Int16Array) },
    targets: { 'memview get': { ratio: 1.5 } },
  },
  {
    title: "set(i, v), 1-D 'd'",
    unit: 'item',
    baseline: 'Float64Array loop',
    competitors: { 'Float64Array loop': writes(Float64Array, false), 'memview set': writes(Float64Array, true), 'ndarray set': ndarrayWrites(Float64Array) },
    targets: { 'memview set': { ratio: 1.5 } },
  },
  {
    title: "set(i, v), 1-D 'h'",
    unit: 'item',
    baseline: 'Int16Array loop',
    competitors: { 'Int16Array loop': writes(Int16Array, false), 'memview set': writes(Int16Array, true), 'ndarray set': ndarrayWrites(Int16Array) },
    targets: { 'memview set': { ratio: 1.5 } },
  },
];
