// CPython's Lib/test/test_memoryview.py and the memoryview parts of Lib/test/test_buffer.py,
// ported to memview's API (API.md section 3).
//
// Every expected value below comes from test/fixtures/memoryview.json, which
// scripts/fixtures/memoryview_fixtures.py computes with python3 (CPython's memoryview, struct,
// NumPy); where the contract departs from CPython on purpose the fixture entry says so
// ("why": "contract: ..."). Values taken from the contract itself (a typed array's format, a
// source's own bytes) are marked as such here. Failing inputs are in memoryview.errors.test.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MemoryView, Slice, ValueError } from '../lib';
import { Int, Json, MV, Spec, asView, fixtureBuilders, hexOf, inputs, int, mv, sl } from './support/fixture-views';

// ---------------------------------------------------------------------------------------------
// Fixture types
// ---------------------------------------------------------------------------------------------

interface ViewExpect {
  format: string;
  itemsize: number;
  ndim: number;
  shape: number[];
  strides: number[];
  nbytes: number;
  readonly: boolean;
  cContiguous: boolean;
  fContiguous: boolean;
  contiguous: boolean;
  list: Json;
  bytesC: string;
  bytesF?: string;
  bytesA?: string;
  selfEqual: boolean;
}
interface Query {
  value: Json;
  count: number;
  index: [number | null, number | null, number | null][];
}
interface ViewCase {
  name: string;
  spec: Spec;
  expect: ViewExpect | { item: Json };
  queries?: Query[];
}
interface LayoutCase {
  name: string;
  layout: { src: string; format: string; byteOffset: number; shape: number[]; strides: number[] };
  expect: ViewExpect;
}
interface EqualityCase {
  name: string;
  a: Spec;
  b: Spec;
  equal: boolean;
}
interface Outcome {
  error?: string | string[];
  code?: string | string[];
  why?: string;
}
interface SetItemCase extends Outcome {
  format: string;
  prefill: string;
  index: number;
  value: Json;
  item?: Json;
  bytes?: string;
}
interface SetNDCase extends Outcome {
  name: string;
  spec: Spec;
  index: Int | Int[];
  value: Json;
  item?: Json;
  bytes?: string;
}
interface AssignCase extends Outcome {
  name: string;
  dst: Spec;
  src: Spec & { self: boolean };
  bytes?: string;
}
interface HexCase extends Outcome {
  name: string;
  spec: Spec;
  args: (string | number)[];
  result?: string;
}
interface Fixtures {
  meta: { PyBUF_FULL_RO: number; python: string };
  itemsize: Record<string, number>;
  sources: Record<string, string>;
  views: ViewCase[];
  nd: ViewCase[];
  layouts: LayoutCase[];
  equality: EqualityCase[];
  setitem: SetItemCase[];
  setND: SetNDCase[];
  assign: AssignCase[];
  hex: HexCase[];
  misc: { p06: string; hex200000Reversed: string };
}

const fx = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'memoryview.json'), 'utf8')) as Fixtures;
const { sourceBytes, build } = fixtureBuilders(fx.sources);

// ---------------------------------------------------------------------------------------------
// The API as these tests use it (typed loosely on purpose: the tests drive bad inputs too)
// ---------------------------------------------------------------------------------------------

/** A value read from memview, in the fixture's tagged form. */
function norm(x: unknown): Json {
  if (typeof x === 'bigint') return { big: x.toString() };
  if (typeof x === 'number') {
    if (Number.isNaN(x)) return { float: 'nan' };
    if (x === Infinity) return { float: 'inf' };
    if (x === -Infinity) return { float: '-inf' };
    if (Object.is(x, -0)) return { float: '-0' };
    return x;
  }
  if (typeof x === 'boolean' || typeof x === 'string') return x;
  if (Buffer.isBuffer(x)) return { bytes: x.toString('hex') };
  if (x instanceof Uint8Array) return { notABuffer: hexOf(x) };
  if (Array.isArray(x)) return x.map(norm);
  if (x instanceof MemoryView) return { view: String(x) };
  return { unexpected: String(x) };
}

/** What JSON.stringify(view) should give for a toList() value (API.md toJSON). */
function jsonOf(x: Json): unknown {
  if (Array.isArray(x)) return x.map(jsonOf);
  if (x !== null && typeof x === 'object') {
    if ('big' in x) return x.big;
    if ('float' in x) return x.float === '-0' ? 0 : null;
    if ('bytes' in x) return { type: 'Buffer', data: [...Buffer.from(x.bytes as string, 'hex')] };
  }
  return x;
}

function expectValueErrorFor(fn: () => unknown): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ValueError);
}

function indexTuples(shape: number[]): number[][] {
  const total = shape.reduce((a, b) => a * b, 1);
  if (total === 0) return [];
  if (total <= 64) {
    const out: number[][] = [[]];
    for (const n of shape) {
      const next: number[][] = [];
      for (const t of out) for (let i = 0; i < n; i++) next.push([...t, i]);
      out.splice(0, out.length, ...next);
    }
    return out;
  }
  return [shape.map(() => 0), shape.map((n) => n - 1), shape.map((n) => n >> 1)];
}

function at(list: Json, idx: number[]): Json {
  let x = list;
  for (const i of idx) x = (x as Json[])[i];
  return x;
}

function checkView(v: MV, e: ViewExpect, copy: () => unknown): void {
  expect(v).toBeInstanceOf(MemoryView);
  expect({
    format: v.format,
    itemsize: v.itemsize,
    ndim: v.ndim,
    shape: [...v.shape],
    strides: [...v.strides],
    suboffsets: [...v.suboffsets],
    nbytes: v.nbytes,
    readonly: v.readonly,
    cContiguous: v.cContiguous,
    fContiguous: v.fContiguous,
    contiguous: v.contiguous,
  }).toEqual({
    format: e.format,
    itemsize: e.itemsize,
    ndim: e.ndim,
    shape: e.shape,
    strides: e.strides,
    suboffsets: [],
    nbytes: e.nbytes,
    readonly: e.readonly,
    cContiguous: e.cContiguous,
    fContiguous: e.fContiguous,
    contiguous: e.contiguous,
  });
  expect(norm(v.toList())).toEqual(e.list);

  const bytes = v.toBytes();
  expect(Buffer.isBuffer(bytes)).toBe(true);
  expect(bytes.toString('hex')).toBe(e.bytesC);
  expect(v.toBytes('C').toString('hex')).toBe(e.bytesC);
  expect(v.toBytes('F').toString('hex')).toBe(e.bytesF ?? e.bytesC);
  expect(v.toBytes('A').toString('hex')).toBe(e.bytesA ?? e.bytesC);
  expect(v.hex()).toBe(e.bytesC);

  if (e.ndim === 0) {
    expect(norm(v.get())).toEqual(e.list);
  } else {
    expect(v.length).toBe(e.shape[0]);
    for (const idx of indexTuples(e.shape)) {
      expect(norm(v.get(...idx))).toEqual(at(e.list, idx));
      const negative = idx.map((i, d) => i - e.shape[d]);
      expect(norm(v.get(...negative))).toEqual(at(e.list, idx));
    }
    // iteration: items of a 1-D view, rows as views for n-D (read while the iteration runs:
    // the contract lets an iterator end its exports when it finishes)
    const seen: Json[] = [];
    for (const item of v) seen.push(e.ndim === 1 ? norm(item) : norm(asView(item).toList()));
    expect(seen).toEqual(e.list);
    // get() with no index is the same items (API.md: a new view of the same items)
    expect(norm(asView(v.get()).toList())).toEqual(e.list);
  }

  expect(v.equals(copy())).toBe(e.selfEqual);
  const ro = v.toReadonly();
  expect(ro.readonly).toBe(true);
  expect(norm(ro.toList())).toEqual(e.list);
  expect(ro.equals(v)).toBe(e.selfEqual);
  expect([...ro.shape]).toEqual(e.shape);
  expect([...ro.strides]).toEqual(e.strides);
}

/** Run last by the callers, so that a failure here does not hide the checks above. */
function checkSelfEqualAndJson(v: MV, e: ViewExpect): void {
  // CPython compares item by item even with itself: a view holding a NaN is not equal to itself
  expect(v.equals(v)).toBe(e.selfEqual);
  // toJSON: toList() with l L q Q n N P items as decimal strings (Buffers stay Buffers)
  const json = JSON.parse(JSON.stringify(v));
  if (e.list !== null && typeof e.list === 'object' && 'bytes' in e.list) {
    // a 0-d view of a Buffer item: toJSON may return the Buffer itself (which JSON.stringify, calling
    // toJSON only once, renders as an object of bytes) or its JSON form; either way the same bytes
    const bytes = [...Buffer.from((e.list as { bytes: string }).bytes, 'hex')];
    expect([JSON.stringify({ ...bytes }), JSON.stringify(jsonOf(e.list))]).toContain(JSON.stringify(json));
  } else {
    expect(json).toEqual(jsonOf(e.list));
  }
}

// ---------------------------------------------------------------------------------------------
// Every format, 1-D slicing (test_memoryview.AbstractMemoryTests, test_buffer.verify)
// ---------------------------------------------------------------------------------------------

describe('views of every format (fixture: views)', () => {
  test.each(fx.views.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const u8 = sourceBytes(c.spec.src);
    const v = asView(build(c.spec, u8));
    checkView(v, c.expect as ViewExpect, () => build(c.spec));
    // obj is the source as given, through casts and slices
    expect(v.obj).toBe(u8);
    for (const q of c.queries ?? []) {
      for (const value of inputs(q.value)) {
        expect(v.count(value)).toBe(q.count);
        for (const [start, stop, result] of q.index) {
          const call = (): number =>
            start === null && stop === null ? v.index(value) : stop === null ? v.index(value, start) : v.index(value, start, stop);
          if (result === null) expectValueErrorFor(call);
          else expect(call()).toBe(result);
        }
      }
    }
    checkSelfEqualAndJson(v, c.expect as ViewExpect);
  });
});

describe('n-D views, casts with shapes, 0-d views (fixture: nd)', () => {
  test.each(fx.nd.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const u8 = sourceBytes(c.spec.src);
    const result = build(c.spec, u8);
    if ('item' in c.expect) {
      expect(result).not.toBeInstanceOf(MemoryView);
      expect(norm(result)).toEqual(c.expect.item);
      return;
    }
    const v = asView(result);
    checkView(v, c.expect, () => build(c.spec));
    expect(v.obj).toBe(u8);
    checkSelfEqualAndJson(v, c.expect);
  });
});

describe('layouts only a share() descriptor can express: transposed, zero strides (fixture: layouts)', () => {
  function buildLayout(l: LayoutCase['layout']): MV {
    const bytes = Buffer.from(fx.sources[l.src], 'hex');
    const sab = new SharedArrayBuffer(bytes.length);
    new Uint8Array(sab).set(bytes);
    // byteOffset: where item (0, ..., 0) lies (every stride here is >= 0, so also where the items begin)
    return mv({ ...mv(sab).share(), byteOffset: l.byteOffset, format: l.format, shape: l.shape, strides: l.strides, readonly: false });
  }
  test.each(fx.layouts.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const v = buildLayout(c.layout);
    checkView(v, c.expect, () => buildLayout(c.layout));
    // a C-contiguous copy of the items equals the view
    const copy = mv(v.toBytes('C')).cast(c.expect.format, c.expect.shape);
    expect(copy.equals(v)).toBe(c.expect.selfEqual);
    expect(norm(copy.toList())).toEqual(c.expect.list);
    checkSelfEqualAndJson(v, c.expect);
  });
});

// ---------------------------------------------------------------------------------------------
// Comparison (test_memoryview.test_compare, test_buffer.test_memoryview_compare_*)
// ---------------------------------------------------------------------------------------------

describe('equals (fixture: equality)', () => {
  test.each(fx.equality.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const a = asView(build(c.a));
    const b = asView(build(c.b));
    expect(a.equals(b)).toBe(c.equal);
    expect(b.equals(a)).toBe(c.equal);
    // other may be any buffer source: a view with no ops is the source's bytes
    if (c.b.ops.length === 0) expect(a.equals(sourceBytes(c.b.src))).toBe(c.equal);
    if (c.a.ops.length === 0) expect(b.equals(sourceBytes(c.a.src))).toBe(c.equal);
  });

  test('anything that is not a buffer is simply not equal (contract)', () => {
    const m = mv(Buffer.from('abcdef'));
    for (const other of ['abcdef', 97, null, undefined, [97, 98, 99, 100, 101, 102], {}, 97n, true]) {
      expect(m.equals(other)).toBe(false);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Item assignment (test_memoryview.test_setitem_writable, test_buffer.test_memoryview_assign)
// ---------------------------------------------------------------------------------------------

describe('set(i, value) for every format (fixture: setitem, accepted values)', () => {
  const ok = fx.setitem.filter((c) => c.error === undefined);
  test.each(ok.map((c) => [`${c.format} <- ${JSON.stringify(c.value)}`, c] as const))('%s', (_name, c) => {
    const isNaN = JSON.stringify(c.item) === JSON.stringify({ float: 'nan' });
    inputs(c.value).forEach((value, n) => {
      const u8 = new Uint8Array(Buffer.from(c.prefill, 'hex'));
      const m = mv(u8).cast(c.format);
      m.set(n === 0 ? c.index : c.index - m.length, value);
      expect(norm(m.get(c.index))).toEqual(c.item);
      if (isNaN) expect(hexOf(u8.subarray(0, u8.length / 2))).toBe(c.prefill.slice(0, c.prefill.length / 2));
      else expect(hexOf(u8)).toBe(c.bytes);
    });
  });
});

describe('set with n-D / 0-d / strided views (fixture: setND, accepted)', () => {
  const ok = fx.setND.filter((c) => c.error === undefined);
  test.each(ok.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    for (const value of inputs(c.value)) {
      const u8 = sourceBytes(c.spec.src);
      const v = asView(build(c.spec, u8));
      const index = Array.isArray(c.index) ? c.index.map(int) : int(c.index);
      v.set(index, value);
      expect(hexOf(u8)).toBe(c.bytes);
      if (c.item !== undefined) expect(norm(v.get(...(index as unknown[])))).toEqual(c.item);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Slice assignment (test_setitem_writable, test_memoryview_array, test_memoryview_slice)
// ---------------------------------------------------------------------------------------------

describe('get(...).assign(source) (fixture: assign, accepted)', () => {
  const ok = fx.assign.filter((c) => c.error === undefined);
  test.each(ok.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const u8 = sourceBytes(c.dst.src);
    const dst = asView(build(c.dst, u8));
    const src = c.src.self ? build(c.src, u8) : build(c.src);
    dst.assign(src);
    expect(hexOf(u8)).toBe(c.bytes);
  });

  test('test_array_assign: m[:] = Int32Array(9..0)', () => {
    const a = Int32Array.from({ length: 10 }, (_, i) => i);
    const m = mv(a);
    const reversed = Int32Array.from({ length: 10 }, (_, i) => 9 - i);
    asView(m.get(sl())).assign(reversed);
    expect([...a]).toEqual([...reversed]); // contract: zero copy, the source sees the write
  });

  test('test_ctypes_cast: a double assembled bytewise through B, b and c views', () => {
    const p6 = Buffer.from(fx.misc.p06, 'hex');
    for (const fmt of ['B', 'b', 'c']) {
      const d = new Float64Array(1);
      const m = mv(d).cast(fmt);
      const src = mv(p6).cast(fmt);
      asView(m.get(sl(null, 2))).assign(src.get(sl(null, 2)));
      asView(m.get(sl(2))).assign(src.get(sl(2)));
      expect(Buffer.from(d.buffer).toString('hex')).toBe(fx.misc.p06);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// hex (test_memoryview_hex, bytes.hex separators)
// ---------------------------------------------------------------------------------------------

describe('hex(sep?, bytesPerSep?) (fixture: hex, accepted)', () => {
  const ok = fx.hex.filter((c) => c.error === undefined);
  test.each(ok.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const v = asView(build(c.spec));
    const [sep, n] = c.args;
    expect(c.args.length === 0 ? v.hex() : c.args.length === 1 ? v.hex(sep) : v.hex(sep, n)).toBe(c.result);
  });

  test('test_memoryview_hex: a reversed 200000-byte view', () => {
    const m = mv(Buffer.alloc(200000, 0x30));
    expect(asView(m.get(sl(null, null, -1))).hex()).toBe(fx.misc.hex200000Reversed.repeat(200000));
  });
});

// ---------------------------------------------------------------------------------------------
// Sources, identity, lifetime (contract, API.md section 3)
// ---------------------------------------------------------------------------------------------

describe('sources (API.md section 3 table)', () => {
  const typed: [string, () => ArrayLike<number | bigint> & ArrayBufferView, string][] = [
    ['Int8Array', () => Int8Array.of(-128, 0, 127), 'b'],
    ['Uint8Array', () => Uint8Array.of(0, 128, 255), 'B'],
    ['Uint8ClampedArray', () => Uint8ClampedArray.of(0, 128, 255), 'B'],
    ['Int16Array', () => Int16Array.of(-32768, 1, 32767), 'h'],
    ['Uint16Array', () => Uint16Array.of(0, 1, 65535), 'H'],
    ['Int32Array', () => Int32Array.of(-(2 ** 31), 1, 2 ** 31 - 1), 'i'],
    ['Uint32Array', () => Uint32Array.of(0, 1, 2 ** 32 - 1), 'I'],
    ['Float32Array', () => Float32Array.of(1.5, -0, Infinity), 'f'],
    ['Float64Array', () => Float64Array.of(0.1, NaN, -Infinity), 'd'],
    ['BigInt64Array', () => BigInt64Array.of(-(2n ** 63n), 0n, 2n ** 63n - 1n), 'q'],
    ['BigUint64Array', () => BigUint64Array.of(0n, 1n, 2n ** 64n - 1n), 'Q'],
  ];
  const f16 = (globalThis as unknown as Record<string, unknown>).Float16Array as { of(...n: number[]): ArrayBufferView & ArrayLike<number> } | undefined;
  if (f16) typed.push(['Float16Array', () => f16.of(0.5, -2, 65504), 'e']);

  test.each(typed)('%s views its own items, format %s', (_name, make, format) => {
    const ta = make();
    const m = mv(ta);
    expect(m.format).toBe(format);
    expect(m.itemsize).toBe(fx.itemsize[format]);
    expect([...m.shape]).toEqual([ta.length]);
    expect([...m.strides]).toEqual([fx.itemsize[format]]);
    expect(m.nbytes).toBe(ta.byteLength);
    expect(m.readonly).toBe(false);
    expect(m.obj).toBe(ta);
    expect(norm(m.toList())).toEqual(norm(Array.from(ta as ArrayLike<unknown>)));
    // zero copy: a write through the view is a write to the typed array, and back
    const last = (ta as ArrayLike<unknown>)[0];
    m.set(ta.length - 1, last);
    expect((ta as ArrayLike<unknown>)[ta.length - 1]).toEqual(last);
    expect(m.toBytes().equals(Buffer.from(ta.buffer, ta.byteOffset, ta.byteLength))).toBe(true);
  });

  test('ArrayBuffer, SharedArrayBuffer, DataView (offset and length respected), Buffer', () => {
    const ab = new ArrayBuffer(8);
    new Uint8Array(ab).set([1, 2, 3, 4, 5, 6, 7, 8]);
    const sab = new SharedArrayBuffer(4);
    new Uint8Array(sab).set([9, 8, 7, 6]);
    const cases: [unknown, number[]][] = [
      [ab, [1, 2, 3, 4, 5, 6, 7, 8]],
      [sab, [9, 8, 7, 6]],
      [new DataView(ab, 2, 3), [3, 4, 5]],
      [new Uint8Array(ab, 5), [6, 7, 8]],
      [Buffer.from(ab, 1, 2), [2, 3]],
    ];
    for (const [src, items] of cases) {
      const m = mv(src);
      expect(m.format).toBe('B');
      expect(m.nbytes).toBe(items.length);
      expect(m.toList()).toEqual(items);
      expect(m.obj).toBe(src);
    }
    const m = mv(new DataView(ab, 2, 3));
    m.set(0, 42);
    expect(new Uint8Array(ab)[2]).toBe(42);
  });

  test('new MemoryView(x) is memoryview(x); memoryview(view) has the same format, shape, strides', () => {
    const ta = Int16Array.of(1, 2, 3, 4, 5, 6);
    const a = new MemoryView(ta as never) as unknown as MV;
    expect(a).toBeInstanceOf(MemoryView);
    expect(a.format).toBe('h');
    const v = asView(a.cast('B').cast('h', [2, 3]).get(sl(null, null, -1), sl(null, null, 2)));
    const w = mv(v);
    expect(w).not.toBe(v);
    expect([w.format, [...w.shape], [...w.strides], w.readonly]).toEqual([v.format, [...v.shape], [...v.strides], v.readonly]);
    expect(w.toList()).toEqual(v.toList());
    expect(mv(v.toReadonly()).readonly).toBe(true);
  });

  test('slice() is a Slice; slice(1) is [1:] (JS order, unlike Python)', () => {
    expect(sl(1)).toBeInstanceOf(Slice);
    expect(sl()).toBeInstanceOf(Slice);
    const m = mv(Uint8Array.of(10, 11, 12, 13));
    expect(asView(m.get(sl(1))).toList()).toEqual([11, 12, 13]);
    expect(asView(m.get(sl(1n, undefined, 2n))).toList()).toEqual([11, 13]);
    expect(asView(m.get(sl(undefined, undefined, -1))).toList()).toEqual([13, 12, 11, 10]);
  });

  test('an object with [bufferProtocol](flags) returning a MemoryView (PEP 688 in JS)', () => {
    const inner = mv(Int16Array.of(7, 8, 9));
    const flags: unknown[] = [];
    const exporter = {
      [Symbol.for('memview.buffer')](f: unknown) {
        flags.push(f);
        return inner;
      },
    };
    const m = mv(exporter);
    expect(flags).toEqual([fx.meta.PyBUF_FULL_RO]);
    expect(m.format).toBe('h');
    expect(m.toList()).toEqual([7, 8, 9]);
    m.release();
    // the returned view belongs to the new one and is released with it
    expectValueErrorFor(() => inner.toList());
  });
});

describe('derived views, release, toReadonly (test_issue22668, test_toreadonly, test_release)', () => {
  test('test_issue22668: views derived from a view outlive its release', () => {
    const a = Uint16Array.of(256, 256, 256, 256);
    const x = mv(a);
    const m = x.cast('B');
    const b = m.cast('H');
    const c = asView(b.get(sl(0, 2)));
    const d = mv(b);
    b.release();
    expect(c.get(0)).toBe(256);
    expect(d.get(0)).toBe(256);
    expect(c.format).toBe('H');
    expect(d.format).toBe('H');
    m.cast('I').release();
    expect(c.get(0)).toBe(256);
    expect(d.get(0)).toBe(256);
  });

  test('test_toreadonly', () => {
    const u8 = Uint8Array.from(Buffer.from('abcdef'));
    const m = mv(u8);
    const mm = m.toReadonly();
    expect(mm.readonly).toBe(true);
    expect(mv(mm).readonly).toBe(true);
    expect(mm.toList()).toEqual(m.toList());
    expect(mm.obj).toBe(u8);
    mm.release();
    expect(m.toList()).toEqual([...u8]);
    expect(m.readonly).toBe(false);
  });

  test('Symbol.dispose and `using` release the view, and only that view', () => {
    const m = mv(Uint8Array.of(1, 2, 3));
    let escaped: MV | undefined;
    {
      using scoped = mv(m);
      escaped = scoped;
      expect(scoped.toList()).toEqual([1, 2, 3]);
    }
    expectValueErrorFor(() => escaped?.toList());
    expect(m.toList()).toEqual([1, 2, 3]);
    const other = asView(m.get(sl(1)));
    m[Symbol.dispose]();
    expectValueErrorFor(() => m.toList());
    expect(other.toList()).toEqual([2, 3]);
  });

  test('test_iter / test_reversed: iteration and [::-1]', () => {
    const m = mv(Buffer.from('abcdef'));
    const items = [...m];
    expect(items).toEqual(Array.from({ length: m.length }, (_, i) => m.get(i)));
    expect([...asView(m.get(sl(null, null, -1)))]).toEqual([...items].reverse());
  });
});

describe('toTypedArray, share (beyond)', () => {
  test.each([
    ['b', Int8Array],
    ['B', Uint8Array],
    ['h', Int16Array],
    ['H', Uint16Array],
    ['i', Int32Array],
    ['I', Uint32Array],
    ['q', BigInt64Array],
    ['Q', BigUint64Array],
    ['f', Float32Array],
    ['d', Float64Array],
  ] as const)('%s -> %p over the same memory', (format, cls) => {
    const ab = new ArrayBuffer(48);
    const m = mv(ab).cast(format, [2, 48 / fx.itemsize[format] / 2]);
    const ta = m.toTypedArray() as ArrayBufferView & { length: number };
    expect(ta).toBeInstanceOf(cls);
    expect(ta.buffer).toBe(ab);
    expect(ta.byteLength).toBe(48);
    const one = format === 'q' || format === 'Q' ? 1n : 1;
    (ta as unknown as Record<number, unknown>)[3] = one;
    expect(m.cast('B').cast(format).get(3)).toBe(one);
  });

  test('share() round trip over a SharedArrayBuffer', () => {
    const sab = new SharedArrayBuffer(24);
    const m = asView(mv(sab).cast('h', [3, 4]).get(sl(1), sl(null, null, -2)));
    const d = m.share();
    expect(d.buffer).toBe(sab);
    expect(d.format).toBe('h');
    expect(d.shape).toEqual([...m.shape]);
    expect(d.strides).toEqual([...m.strides]);
    expect(d.readonly).toBe(false);
    const w = mv(d);
    expect([w.format, [...w.shape], [...w.strides]]).toEqual([m.format, [...m.shape], [...m.strides]]);
    w.set([1, 0], 77);
    expect(m.get(1, 0)).toBe(77);
    expect(w.equals(m)).toBe(true);
    expect(mv(m.toReadonly().share()).readonly).toBe(true);
  });

  test('a structuredClone()d descriptor is accepted (its SharedArrayBuffer may come from another realm)', () => {
    const sab = new SharedArrayBuffer(8);
    const m = mv(sab).cast('h');
    const w = mv(structuredClone(m.share()));
    w.set(3, -2);
    expect(m.get(3)).toBe(-2);
  });
});
