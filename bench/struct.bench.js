// struct over 1M records of '<iHd' (issue 5): a compiled Struct's unpackFrom and
// packInto must be ≥ 10× faster than the npm package python-struct and within 4×
// of hand-written DataView code doing the same work (returning the same arrays);
// iterUnpack must be ≥ 5× faster than CPython's struct.iter_unpack.
//
// python-struct is installed here with `npm install --no-save` when absent; its
// rows are skipped when it cannot be. CPython rows are skipped without python3.
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { struct } = require('../dist');
const { pythonNs } = require('./python');

const N = 1 << 20;
const FMT = '<iHd';
const SIZE = 14;

function loadPythonStruct() {
  try {
    return require('python-struct');
  } catch {
    try {
      execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', 'python-struct'], {
        cwd: path.join(__dirname, '..'),
        stdio: 'ignore',
        timeout: 120000,
      });
      return require('python-struct');
    } catch {
      return undefined;
    }
  }
}
const pythonStruct = loadPythonStruct();

/** N records with values (i, i & 0xffff, i / 2). */
function records() {
  const buffer = Buffer.alloc(N * SIZE);
  const dv = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  for (let i = 0; i < N; i++) {
    dv.setInt32(i * SIZE, i, true);
    dv.setUint16(i * SIZE + 4, i & 0xffff, true);
    dv.setFloat64(i * SIZE + 6, i / 2, true);
  }
  return buffer;
}

// Every reader uses all three values of each record, as a consumer would; V8
// may then keep the arrays in registers (escape analysis) wherever a reader
// inlines, the hand-written baseline included.
const use = (r) => r[0] + r[1] + r[2];

function needPythonStruct() {
  if (!pythonStruct) throw new Error('python-struct could not be installed');
  return pythonStruct;
}

// ---------------------------------------------------------------- unpackFrom

const unpackFrom = {
  'DataView (hand-written)': () => {
    const buffer = records();
    const dv = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    const read = (o) => [dv.getInt32(o, true), dv.getUint16(o + 4, true), dv.getFloat64(o + 6, true)];
    return {
      units: N,
      run: () => {
        let s = 0;
        for (let o = 0; o < N * SIZE; o += SIZE) s += use(read(o));
        return s;
      },
    };
  },
  'memview Struct.unpackFrom': () => {
    const buffer = records();
    const st = new struct.Struct(FMT);
    return {
      units: N,
      run: () => {
        let s = 0;
        for (let o = 0; o < N * SIZE; o += SIZE) s += use(st.unpackFrom(buffer, o));
        return s;
      },
    };
  },
  'memview struct.unpackFrom(fmt, …)': () => {
    const buffer = records();
    return {
      units: N,
      run: () => {
        let s = 0;
        for (let o = 0; o < N * SIZE; o += SIZE) s += use(struct.unpackFrom(FMT, buffer, o));
        return s;
      },
    };
  },
  'python-struct unpackFrom': () => {
    const ps = needPythonStruct();
    const buffer = records();
    return {
      units: N,
      run: () => {
        let s = 0;
        for (let o = 0; o < N * SIZE; o += SIZE) s += use(ps.unpackFrom(FMT, buffer, false, o));
        return s;
      },
    };
  },
  'CPython Struct.unpack_from': () => ({
    measure: () =>
      pythonNs(`import struct\ns = struct.Struct('${FMT}')\nf = s.unpack_from\nbuf = bytes(${N * SIZE})`, `for o in range(0, ${N * SIZE}, ${SIZE}): f(buf, o)`, N),
  }),
};

// ---------------------------------------------------------------- packInto

const packInto = {
  'DataView (hand-written)': () => {
    const buffer = Buffer.alloc(N * SIZE);
    const dv = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    const write = (o, a, b, c) => {
      dv.setInt32(o, a, true);
      dv.setUint16(o + 4, b, true);
      dv.setFloat64(o + 6, c, true);
    };
    return {
      units: N,
      run: () => {
        for (let i = 0; i < N; i++) write(i * SIZE, i, i & 0xffff, i / 2);
        return buffer[SIZE * 7];
      },
    };
  },
  'memview Struct.packInto': () => {
    const buffer = Buffer.alloc(N * SIZE);
    const st = new struct.Struct(FMT);
    return {
      units: N,
      run: () => {
        for (let i = 0; i < N; i++) st.packInto(buffer, i * SIZE, i, i & 0xffff, i / 2);
        return buffer[SIZE * 7];
      },
    };
  },
  'memview struct.packInto(fmt, …)': () => {
    const buffer = Buffer.alloc(N * SIZE);
    return {
      units: N,
      run: () => {
        for (let i = 0; i < N; i++) struct.packInto(FMT, buffer, i * SIZE, i, i & 0xffff, i / 2);
        return buffer[SIZE * 7];
      },
    };
  },
  'python-struct pack + copy': () => {
    const ps = needPythonStruct();
    const buffer = Buffer.alloc(N * SIZE);
    return {
      units: N,
      run: () => {
        for (let i = 0; i < N; i++) ps.pack(FMT, [i, i & 0xffff, i / 2]).copy(buffer, i * SIZE);
        return buffer[SIZE * 7];
      },
    };
  },
  'CPython Struct.pack_into': () => ({
    measure: () =>
      pythonNs(
        `import struct\ns = struct.Struct('${FMT}')\np = s.pack_into\nbuf = bytearray(${N * SIZE})`,
        `for i in range(${N}): p(buf, i * ${SIZE}, i, i & 0xffff, i / 2)`,
        N,
      ),
  }),
};

// ---------------------------------------------------------------- iterUnpack

// Both sides iterate and use every value of every record. The bare CPython loop
// (`for r in …: pass`, whose tuples come from a free list) is reported beside it.
const iterUnpack = {
  'CPython iter_unpack, values used': () => ({
    measure: () =>
      pythonNs(`import struct\ns = struct.Struct('${FMT}')\nbuf = bytes(${N * SIZE})`, `for a, b, c in s.iter_unpack(buf): t = a + b + c`, N),
  }),
  'CPython iter_unpack, bare loop': () => ({
    measure: () => pythonNs(`import struct\ns = struct.Struct('${FMT}')\nbuf = bytes(${N * SIZE})`, `for r in s.iter_unpack(buf): pass`, N),
  }),
  'memview Struct.iterUnpack': () => {
    const buffer = records();
    const st = new struct.Struct(FMT);
    return {
      units: N,
      run: () => {
        let s = 0;
        for (const r of st.iterUnpack(buffer)) s += use(r);
        return s;
      },
    };
  },
  'DataView loop (hand-written)': unpackFrom['DataView (hand-written)'],
};

const pick = (from, names) => Object.fromEntries(names.map((n) => [n, from[n]]));

module.exports = [
  {
    title: `Struct.unpackFrom, ${N} records '${FMT}'`,
    unit: 'record',
    baseline: 'DataView (hand-written)',
    competitors: unpackFrom,
    targets: { 'memview Struct.unpackFrom': { ratio: 4 } },
  },
  {
    title: `Struct.unpackFrom vs python-struct, '${FMT}'`,
    unit: 'record',
    baseline: 'python-struct unpackFrom',
    competitors: pick(unpackFrom, ['python-struct unpackFrom', 'memview Struct.unpackFrom']),
    targets: { 'memview Struct.unpackFrom': { op: '≥', ratio: 10 } },
  },
  {
    title: `Struct.packInto, ${N} records '${FMT}'`,
    unit: 'record',
    baseline: 'DataView (hand-written)',
    competitors: packInto,
    targets: { 'memview Struct.packInto': { ratio: 4 } },
  },
  {
    title: `Struct.packInto vs python-struct, '${FMT}'`,
    unit: 'record',
    baseline: 'python-struct pack + copy',
    competitors: pick(packInto, ['python-struct pack + copy', 'memview Struct.packInto']),
    targets: { 'memview Struct.packInto': { op: '≥', ratio: 10 } },
  },
  {
    title: `Struct.iterUnpack, ${N} records '${FMT}'`,
    unit: 'record',
    baseline: 'CPython iter_unpack, values used',
    competitors: iterUnpack,
    targets: { 'memview Struct.iterUnpack': { op: '≥', ratio: 5 } },
  },
];
