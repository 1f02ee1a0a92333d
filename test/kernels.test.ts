// Native bulk kernels (binding/copy, compare, bytes, view_js), called directly
// and checked against naive JS references over random shapes and strides.
import { MemoryError, OverflowError, ValueError } from '../lib';
import { native } from '../lib/binding';
import fc from 'fast-check';

// ---- the native surface under test ---------------------------------------------

type Order = 'C' | 'F' | 'A';
interface CompiledFormat {
  handle: unknown;
  itemsize: number;
  nvalues: number;
  fields: { code: string; kind: string; littleEndian: boolean; offset: number; size: number; count: number }[];
}
interface Kernels {
  format_compile(text: string, mode: number): CompiledFormat;
  view_tobytes(mem: DataView, origin: number, shape: number[], strides: number[], itemsize: number, order?: Order): Buffer;
  view_assign(
    dstMem: DataView,
    dstOrigin: number,
    dstStrides: number[],
    srcMem: DataView,
    srcOrigin: number,
    srcStrides: number[],
    shape: number[],
    itemsize: number,
  ): undefined;
  view_equals(
    memA: DataView,
    originA: number,
    shapeA: number[],
    stridesA: number[],
    fmtA: unknown,
    memB: DataView,
    originB: number,
    shapeB: number[],
    stridesB: number[],
    fmtB: unknown,
  ): boolean;
  view_hex(mem: DataView, origin: number, shape: number[], strides: number[], itemsize: number, sep: string | undefined, bytesPerSep: number): string;
  bytes_swap(mem: DataView, offset: number, nbytes: number, itemsize: number): undefined;
  view_find(mem: DataView, origin: number, length: number, stride: number, itemsize: number, pattern: Uint8Array, start: number, stop: number, firstOnly: boolean): number;
  view_find_float(mem: DataView, origin: number, length: number, stride: number, fmt: unknown, value: number, start: number, stop: number, firstOnly: boolean): number;
  view_convert(
    dstMem: DataView,
    dstOffset: number,
    dstFmt: unknown,
    srcMem: DataView,
    srcOrigin: number,
    shape: number[],
    srcStrides: number[],
    srcFmt: unknown,
    overflowClass: 'value' | 'overflow',
  ): undefined;
}
const k = native as unknown as Kernels;

const formats = new Map<string, CompiledFormat>();
function compiled(text: string): CompiledFormat {
  let format = formats.get(text);
  if (format === undefined) {
    format = k.format_compile(text, 1);
    formats.set(text, format);
  }
  return format;
}
const fmt = (text: string): unknown => compiled(text).handle;

// ---- helpers -------------------------------------------------------------------------

function expectError(fn: () => unknown, cls: new (...args: never[]) => Error, code: string, message?: string | RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (caught) {
    error = caught;
  }
  // Native code builds JS's own TypeError in Node's realm, not jest's: compare by name.
  if (cls === TypeError) expect((error as Error).name).toBe('TypeError');
  else expect(error).toBeInstanceOf(cls);
  expect((error as { code?: string }).code).toBe(code);
  if (message !== undefined) expect((error as Error).message).toMatch(message);
}
const DETACHED = 'ERR_MEMVIEW_DETACHED';
const expectDetached = (fn: () => unknown): void =>
  expectError(fn, ValueError, DETACHED, 'memoryview: underlying buffer is detached or out of bounds');

/** A DataView created before its buffer was transferred away. */
function detachedView(n: number): DataView {
  const buffer = new ArrayBuffer(n);
  const view = new DataView(buffer);
  structuredClone(buffer, { transfer: [buffer] });
  return view;
}

type ResizableBuffer = ArrayBuffer & { resize(n: number): void };
const ResizableArrayBuffer = ArrayBuffer as unknown as new (n: number, options: { maxByteLength: number }) => ResizableBuffer;

/** A fixed-length DataView over a resizable ArrayBuffer that then shrank below it. */
function shrunkView(n: number): DataView {
  const buffer = new ResizableArrayBuffer(n, { maxByteLength: 2 * n });
  const view = new DataView(buffer, 0, n);
  buffer.resize(n >> 1);
  return view;
}

const bytesOf = (view: DataView): Uint8Array => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);

function* indices(shape: number[], order: 'C' | 'F' = 'C'): Generator<number[]> {
  if (shape.some((n) => n === 0)) return;
  const index = shape.map(() => 0);
  const dims = shape.map((_, d) => d);
  if (order === 'C') dims.reverse();
  for (;;) {
    yield index.slice();
    let i = 0;
    for (; i < dims.length; ++i) {
      const d = dims[i];
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
    if (i === dims.length) return;
  }
}

const offsetOf = (index: number[], strides: number[], origin: number): number => index.reduce((sum, i, d) => sum + i * strides[d], origin);

/** A view placed in a fresh buffer, its DataView over exactly its extent. */
interface View {
  mem: DataView;
  origin: number;
  shape: number[];
  strides: number[];
  itemsize: number;
}

function extentOf(shape: number[], strides: number[], itemsize: number): { lo: number; hi: number } {
  if (shape.some((n) => n === 0)) return { lo: 0, hi: 0 };
  let lo = 0;
  let hi = itemsize;
  shape.forEach((n, d) => {
    const delta = (n - 1) * strides[d];
    if (delta < 0) lo += delta;
    else hi += delta;
  });
  return { lo, hi };
}

function place(shape: number[], strides: number[], itemsize: number, fill: (bytes: Uint8Array) => void, pad = 3): View {
  const { lo, hi } = extentOf(shape, strides, itemsize);
  const buffer = new ArrayBuffer(hi - lo + 2 * pad);
  const all = new Uint8Array(buffer);
  for (let i = 0; i < all.length; ++i) all[i] = 0xee;
  const mem = new DataView(buffer, pad, hi - lo);
  fill(bytesOf(mem));
  return { mem, origin: -lo, shape, strides, itemsize };
}

function randomFill(seed: number): (bytes: Uint8Array) => void {
  return (bytes) => {
    let x = seed | 1;
    for (let i = 0; i < bytes.length; ++i) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      bytes[i] = x & 0xff;
    }
  };
}

function refGather(view: View, order: 'C' | 'F'): Buffer {
  const bytes = bytesOf(view.mem);
  const count = view.shape.reduce((a, b) => a * b, 1);
  const out = Buffer.alloc(count * view.itemsize);
  let i = 0;
  for (const index of indices(view.shape, order)) {
    const at = offsetOf(index, view.strides, view.origin);
    out.set(bytes.subarray(at, at + view.itemsize), i);
    i += view.itemsize;
  }
  return out;
}

function contiguous(shape: number[], strides: number[], itemsize: number, order: 'C' | 'F'): boolean {
  if (shape.some((n) => n === 0)) return true;
  let expected = itemsize;
  const dims = shape.map((_, d) => d);
  if (order === 'C') dims.reverse();
  for (const d of dims) {
    if (shape[d] > 1 && strides[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

// Any strides (zero, negative, not multiples of the item size): for reads.
const anyLayout = (maxDim = 4, itemsizes = [1, 2, 3, 4, 8]) =>
  fc
    .record({
      itemsize: fc.constantFrom(...itemsizes),
      dims: fc.array(fc.record({ n: fc.integer({ min: 0, max: 5 }), stride: fc.integer({ min: -40, max: 40 }) }), { maxLength: maxDim }),
      seed: fc.integer(),
    })
    .map(({ itemsize, dims, seed }) => ({ itemsize, shape: dims.map((d) => d.n), strides: dims.map((d) => d.stride), seed }));

// Views a slice of a C-contiguous array can be (permuted axes, steps, negative
// steps): items never overlap each other. For writes.
interface SliceDim {
  step: number;
  negative: boolean;
}
const sliceDims = (ndim: number) => fc.array(fc.record({ step: fc.integer({ min: 1, max: 3 }), negative: fc.boolean() }), { minLength: ndim, maxLength: ndim });
function sliceStrides(shape: number[], dims: SliceDim[], permutation: number[], itemsize: number): number[] {
  const strides: number[] = shape.map(() => 0);
  let step = itemsize;
  for (const d of [...permutation].reverse()) {
    const extent = Math.max(1, shape[d] * dims[d].step);
    strides[d] = step * dims[d].step * (dims[d].negative ? -1 : 1);
    step *= extent;
  }
  return strides;
}
const permutationOf = (n: number) => fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n });

// ---- view_tobytes ----------------------------------------------------------------------

describe('view_tobytes', () => {
  test('gathers C, F and A order like a naive walk (random strides)', () => {
    fc.assert(
      fc.property(anyLayout(), ({ itemsize, shape, strides, seed }) => {
        const view = place(shape, strides, itemsize, randomFill(seed));
        const c = refGather(view, 'C');
        const f = refGather(view, 'F');
        expect(k.view_tobytes(view.mem, view.origin, shape, strides, itemsize, 'C')).toEqual(c);
        expect(k.view_tobytes(view.mem, view.origin, shape, strides, itemsize, 'F')).toEqual(f);
        const fortran = contiguous(shape, strides, itemsize, 'F') && !contiguous(shape, strides, itemsize, 'C');
        expect(k.view_tobytes(view.mem, view.origin, shape, strides, itemsize, 'A')).toEqual(fortran ? f : c);
      }),
      { numRuns: 400 },
    );
  });

  test('collapsed, contiguous and tiled paths on a larger matrix', () => {
    for (const itemsize of [1, 2, 4, 8, 16]) {
      const rows = 70;
      const cols = 67;
      const view = place([rows, cols], [cols * itemsize, itemsize], itemsize, randomFill(itemsize));
      const cases: [number[], number[], number][] = [
        [[rows, cols], [cols * itemsize, itemsize], 0],
        [[rows, (cols + 1) >> 1], [cols * itemsize, 2 * itemsize], 0],
        [[cols, rows], [itemsize, cols * itemsize], 0], // transposed
        [[rows, cols], [-cols * itemsize, -itemsize], (rows * cols - 1) * itemsize],
      ];
      for (const [shape, strides, origin] of cases) {
        const v = { ...view, shape, strides, origin };
        for (const order of ['C', 'F'] as const) {
          expect(k.view_tobytes(view.mem, origin, shape, strides, itemsize, order)).toEqual(refGather(v, order));
        }
      }
    }
  });

  test('order defaults to C and is checked', () => {
    const mem = new DataView(new Uint8Array([1, 2, 3, 4]).buffer);
    expect(k.view_tobytes(mem, 0, [2, 2], [1, 2], 1)).toEqual(Buffer.from([1, 3, 2, 4]));
    expect(k.view_tobytes(mem, 0, [2, 2], [1, 2], 1, 'A')).toEqual(Buffer.from([1, 2, 3, 4]));
    expectError(() => k.view_tobytes(mem, 0, [4], [1], 1, 'X' as Order), ValueError, 'ERR_MEMVIEW_VALUE', "order must be 'C', 'F' or 'A'");
  });

  test('0-d views and stride-0 broadcasts', () => {
    const mem = new DataView(new Uint8Array([9, 8, 7]).buffer);
    expect(k.view_tobytes(mem, 1, [], [], 2, 'C')).toEqual(Buffer.from([8, 7]));
    expect(k.view_tobytes(mem, 0, [2, 3], [0, 1], 1, 'C')).toEqual(Buffer.from([9, 8, 7, 9, 8, 7]));
  });

  test('results beyond what a Buffer can hold are MemoryError', () => {
    const mem = new DataView(new ArrayBuffer(2));
    // 2^53 bytes: beyond any size memview accepts.
    expectError(() => k.view_tobytes(mem, 0, [2 ** 26, 2 ** 26], [0, 0], 2, 'C'), MemoryError, 'ERR_MEMVIEW_NO_MEMORY');
    // 2^52 bytes: beyond buffer.constants.MAX_LENGTH / any allocation.
    expectError(() => k.view_tobytes(mem, 0, [2 ** 26, 2 ** 26], [0, 0], 1, 'C'), MemoryError, 'ERR_MEMVIEW_NO_MEMORY');
  });
});

// ---- validation, shared by every kernel -----------------------------------------

describe('descriptor validation', () => {
  const good = () => new DataView(new ArrayBuffer(16));
  // Each kernel called with one memory argument `mem`, a view of `shape` items of 1 byte, `strides`, at `origin`.
  const kernels: Record<string, (mem: DataView, origin: number, shape: number[], strides: number[]) => unknown> = {
    view_tobytes: (mem, origin, shape, strides) => k.view_tobytes(mem, origin, shape, strides, 1, 'C'),
    view_hex: (mem, origin, shape, strides) => k.view_hex(mem, origin, shape, strides, 1, undefined, 1),
    'view_assign (dst)': (mem, origin, shape, strides) => k.view_assign(mem, origin, strides, good(), 0, shape.map(() => 0), shape, 1),
    'view_assign (src)': (mem, origin, shape, strides) => k.view_assign(good(), 0, shape.map(() => 0), mem, origin, strides, shape, 1),
    'view_equals (a)': (mem, origin, shape, strides) => k.view_equals(mem, origin, shape, strides, fmt('B'), good(), 0, shape, shape.map(() => 0), fmt('B')),
    'view_equals (b)': (mem, origin, shape, strides) => k.view_equals(good(), 0, shape, shape.map(() => 0), fmt('B'), mem, origin, shape, strides, fmt('B')),
    'view_convert (src)': (mem, origin, shape, strides) => k.view_convert(new DataView(new ArrayBuffer(2 ** 10)), 0, fmt('h'), mem, origin, shape, strides, fmt('B'), 'value'),
  };
  const lineKernels: Record<string, (mem: DataView, origin: number, length: number, stride: number) => unknown> = {
    view_find: (mem, origin, length, stride) => k.view_find(mem, origin, length, stride, 1, new Uint8Array([0]), 0, length, false),
    view_find_float: (mem, origin, length, stride) => k.view_find_float(mem, origin, length, stride, fmt('e'), 0, 0, length, false),
    bytes_swap: (mem, origin, length) => k.bytes_swap(mem, origin, length, 1),
    'view_convert (dst)': (mem, origin, length) => k.view_convert(mem, origin, fmt('B'), good(), 0, [length], [0], fmt('B'), 'value'),
  };

  test.each(Object.entries(kernels))('%s: detached, shrunk and out-of-extent memory', (_, call) => {
    expectDetached(() => call(detachedView(16), 0, [4], [1]));
    expectDetached(() => call(shrunkView(16), 0, [4], [1]));
    expectDetached(() => call(good(), 0, [17], [1])); // past the end
    expectDetached(() => call(good(), 15, [2], [1]));
    expectDetached(() => call(good(), 16, [], [])); // a 0-d item past the end
    expectDetached(() => call(good(), 0, [2], [-1])); // below the start
    expectDetached(() => call(good(), -1, [1], [1]));
    expectDetached(() => call(good(), 0, [2, 2], [8, 9]));
    expectDetached(() => call(good(), 0, [2 ** 20, 2 ** 20], [2 ** 53 - 1, 2 ** 53 - 1])); // overflows int64
    // Empty views touch nothing, even in detached memory.
    expect(() => call(detachedView(16), 0, [0, 4], [1, 1])).not.toThrow();
    expect(() => call(good(), 1000, [3, 0], [1000, 1])).not.toThrow();
  });

  test.each(Object.entries(kernels))('%s: malformed shapes', (_, call) => {
    const many = Array(65).fill(1) as number[];
    expectError(() => call(good(), 0, many, many), ValueError, 'ERR_MEMVIEW_SHAPE', 'must not exceed 64');
    expectError(() => call(good(), 0, [-1], [1]), ValueError, 'ERR_MEMVIEW_SHAPE');
    expectError(() => call(good(), 0, [1.5], [1]), TypeError, 'ERR_MEMVIEW_TYPE');
    expectError(() => call(good(), 0.5, [1], [1]), TypeError, 'ERR_MEMVIEW_TYPE');
    expectError(() => call(new Uint8Array(4) as unknown as DataView, 0, [1], [1]), TypeError, 'ERR_MEMVIEW_TYPE');
  });

  test.each(Object.entries(lineKernels))('%s: detached, shrunk and out-of-extent memory', (_, call) => {
    expectDetached(() => call(detachedView(16), 0, 4, 1));
    expectDetached(() => call(shrunkView(16), 0, 4, 1));
    expectDetached(() => call(good(), 0, 17, 1));
    expectDetached(() => call(good(), 14, 4, 1));
    expectDetached(() => call(good(), -1, 2, 1));
    expect(() => call(detachedView(16), 0, 0, 1)).not.toThrow();
  });

  test('a 64-dimensional view is fine', () => {
    const shape = Array(64).fill(1) as number[];
    shape[63] = 2;
    const mem = new DataView(new Uint8Array([5, 6]).buffer);
    expect(k.view_tobytes(mem, 0, shape, Array(64).fill(1) as number[], 1, 'F')).toEqual(Buffer.from([5, 6]));
  });

  test('a live view over a resizable buffer works while it fits', () => {
    const buffer = new ResizableArrayBuffer(8, { maxByteLength: 16 });
    new Uint8Array(buffer).set([1, 2, 3, 4, 5, 6, 7, 8]);
    const mem = new DataView(buffer, 0, 8);
    expect(k.view_hex(mem, 0, [8], [1], 1, undefined, 1)).toBe('0102030405060708');
    buffer.resize(4);
    expectDetached(() => k.view_hex(mem, 0, [8], [1], 1, undefined, 1));
    buffer.resize(16);
    expect(k.view_hex(mem, 0, [8], [1], 1, undefined, 1)).toBe('0102030400000000');
  });

  test('SharedArrayBuffer memory', () => {
    const shared = new SharedArrayBuffer(8);
    new Uint8Array(shared).set([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(k.view_tobytes(new DataView(shared, 2, 4), 3, [4], [-1], 1, 'C')).toEqual(Buffer.from([6, 5, 4, 3]));
  });
});

// ---- view_assign -----------------------------------------------------------------------

describe('view_assign', () => {
  const assignCase = fc
    .record({
      shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
      itemsize: fc.constantFrom(1, 2, 3, 4, 8),
      seed: fc.integer(),
      dstAt: fc.integer({ min: 0, max: 24 }),
      srcAt: fc.integer({ min: 0, max: 24 }),
    })
    .chain((base) =>
      fc.record({
        base: fc.constant(base),
        dst: sliceDims(base.shape.length),
        src: sliceDims(base.shape.length),
        dstPerm: permutationOf(base.shape.length),
        srcPerm: permutationOf(base.shape.length),
      }),
    );

  test('copies item by item, overlapping or not, like a copy through a temporary', () => {
    fc.assert(
      fc.property(assignCase, ({ base, dst, src, dstPerm, srcPerm }) => {
        const { shape, itemsize, seed, dstAt, srcAt } = base;
        const dstStrides = sliceStrides(shape, dst, dstPerm, itemsize);
        const srcStrides = sliceStrides(shape, src, srcPerm, itemsize);
        const de = extentOf(shape, dstStrides, itemsize);
        const se = extentOf(shape, srcStrides, itemsize);
        // Both views in one buffer, often overlapping.
        const buffer = new ArrayBuffer(Math.max(dstAt + de.hi - de.lo, srcAt + se.hi - se.lo) + 4);
        const all = new Uint8Array(buffer);
        randomFill(seed)(all);
        const dstView = { mem: new DataView(buffer, dstAt, de.hi - de.lo), origin: -de.lo, shape, strides: dstStrides, itemsize };
        const srcView = { mem: new DataView(buffer, srcAt, se.hi - se.lo), origin: -se.lo, shape, strides: srcStrides, itemsize };
        // Reference: gather src first, then scatter into dst.
        const expected = Uint8Array.from(all);
        const items = refGather(srcView, 'C');
        let i = 0;
        for (const index of indices(shape)) {
          expected.set(items.subarray(i * itemsize, (i + 1) * itemsize), dstAt + offsetOf(index, dstStrides, dstView.origin));
          ++i;
        }
        k.view_assign(dstView.mem, dstView.origin, dstStrides, srcView.mem, srcView.origin, srcStrides, shape, itemsize);
        expect(all).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  test('separate buffers and overlapping 1-D shifts', () => {
    const a = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]);
    const b = new Uint8Array(8);
    k.view_assign(new DataView(b.buffer), 6, [-2], new DataView(a.buffer), 0, [1], [4], 1);
    expect([...b]).toEqual([3, 0, 2, 0, 1, 0, 0, 0]);
    // m[1:] = m[:-1] and m[:-1] = m[1:] on one buffer (memmove).
    const mem = new DataView(a.buffer);
    k.view_assign(mem, 1, [1], mem, 0, [1], [7], 1);
    expect([...a]).toEqual([0, 0, 1, 2, 3, 4, 5, 6]);
    k.view_assign(mem, 0, [1], mem, 1, [1], [7], 1);
    expect([...a]).toEqual([0, 1, 2, 3, 4, 5, 6, 6]);
    // Reversal in place goes through a temporary.
    k.view_assign(mem, 0, [1], mem, 7, [-1], [8], 1);
    expect([...a]).toEqual([6, 6, 5, 4, 3, 2, 1, 0]);
    // Self-assignment changes nothing.
    k.view_assign(mem, 0, [2], mem, 0, [2], [4], 2);
    expect([...a]).toEqual([6, 6, 5, 4, 3, 2, 1, 0]);
  });

  test('structure mismatches are ValueError ERR_MEMVIEW_SHAPE; nothing is written on any error', () => {
    const dst = new Uint8Array(8).fill(9);
    const mem = new DataView(dst.buffer);
    const src = new DataView(new Uint8Array(8).buffer);
    expectError(() => k.view_assign(mem, 0, [1, 1], src, 0, [1], [2], 1), ValueError, 'ERR_MEMVIEW_SHAPE');
    expectError(() => k.view_assign(mem, 0, [1], src, 0, [1, 1], [2], 1), ValueError, 'ERR_MEMVIEW_SHAPE');
    expectDetached(() => k.view_assign(mem, 0, [1], detachedView(8), 0, [1], [8], 1));
    expectDetached(() => k.view_assign(mem, 0, [1], src, 4, [1], [8], 1));
    expect([...dst]).toEqual(Array(8).fill(9));
  });
});

// ---- reference decoding of items ------------------------------------------------------

type RefValue = { t: 'int'; v: bigint } | { t: 'float'; v: number } | { t: 'bytes'; v: Buffer };

function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m ? NaN : sign * Infinity;
  return sign * (1024 + m) * 2 ** (e - 25);
}

function readUnsigned(dv: DataView, at: number, size: number, little: boolean): bigint {
  switch (size) {
    case 1:
      return BigInt(dv.getUint8(at));
    case 2:
      return BigInt(dv.getUint16(at, little));
    case 4:
      return BigInt(dv.getUint32(at, little));
    default:
      return dv.getBigUint64(at, little);
  }
}

function decodeItem(text: string, dv: DataView, at: number): RefValue[] {
  const values: RefValue[] = [];
  for (const field of compiled(text).fields) {
    for (let c = 0; c < field.count; ++c) {
      const p = at + field.offset + c * field.size;
      const bits = () => readUnsigned(dv, p, field.size, field.littleEndian);
      switch (field.kind) {
        case 'int':
        case 'bigint':
          values.push({ t: 'int', v: BigInt.asIntN(field.size * 8, bits()) });
          break;
        case 'uint':
        case 'biguint':
        case 'pointer':
          values.push({ t: 'int', v: bits() });
          break;
        case 'bool':
          values.push({ t: 'int', v: dv.getUint8(p) ? 1n : 0n });
          break;
        case 'float':
          values.push({
            t: 'float',
            v: field.size === 2 ? halfToNumber(Number(bits())) : field.size === 4 ? dv.getFloat32(p, field.littleEndian) : dv.getFloat64(p, field.littleEndian),
          });
          break;
        case 'pascal': {
          const raw = Buffer.from(dv.buffer, dv.byteOffset + p, field.size);
          const n = field.size === 0 ? 0 : Math.min(raw[0], field.size - 1);
          values.push({ t: 'bytes', v: Buffer.from(raw.subarray(1, 1 + n)) });
          break;
        }
        default:
          values.push({ t: 'bytes', v: Buffer.from(dv.buffer, dv.byteOffset + p, field.size) });
      }
    }
  }
  return values;
}

function refValueEqual(a: RefValue, b: RefValue): boolean {
  if (a.t === 'bytes' || b.t === 'bytes') return a.t === 'bytes' && b.t === 'bytes' && a.v.equals(b.v);
  if (a.t === 'int' && b.t === 'int') return a.v === b.v;
  if (a.t === 'float' && b.t === 'float') return a.v === b.v;
  const i = a.t === 'int' ? a.v : (b.v as bigint);
  const f = a.t === 'float' ? a.v : (b.v as number);
  return Number.isInteger(f) && BigInt(f) === i;
}

function refViewsEqual(a: View, fa: string, b: View, fb: string): boolean {
  if (a.shape.length !== b.shape.length) return false;
  for (let d = 0; d < a.shape.length; ++d) {
    if (a.shape[d] !== b.shape[d]) return false;
    if (a.shape[d] === 0) break;
  }
  if (fa.includes('w') || fb.includes('w')) return false;
  if (a.shape.includes(0)) return true;
  if (compiled(fa).nvalues !== compiled(fb).nvalues) return false;
  for (const index of indices(a.shape)) {
    const va = decodeItem(fa, a.mem, offsetOf(index, a.strides, a.origin));
    const vb = decodeItem(fb, b.mem, offsetOf(index, b.strides, b.origin));
    if (!va.every((v, i) => refValueEqual(v, vb[i]))) return false;
  }
  return true;
}

// Writes a small value into every value slot of an item, as its format stores it.
const HALF_BITS = new Map<number, number>([
  [0, 0x0000],
  [1, 0x3c00],
  [-1, 0xbc00],
  [2, 0x4000],
  [0.5, 0x3800],
  [255, 0x5bf8],
]);
function encodeItem(text: string, dv: DataView, at: number, value: number): void {
  for (const field of compiled(text).fields) {
    for (let c = 0; c < field.count; ++c) {
      const p = at + field.offset + c * field.size;
      const little = field.littleEndian;
      const int = BigInt(Number.isFinite(value) ? Math.trunc(value) : 0);
      const write = (bits: bigint) => {
        if (field.size === 1) dv.setUint8(p, Number(BigInt.asUintN(8, bits)));
        else if (field.size === 2) dv.setUint16(p, Number(BigInt.asUintN(16, bits)), little);
        else if (field.size === 4) dv.setUint32(p, Number(BigInt.asUintN(32, bits)), little);
        else dv.setBigUint64(p, BigInt.asUintN(64, bits), little);
      };
      switch (field.kind) {
        case 'float':
          if (field.size === 2) dv.setUint16(p, Object.is(value, -0) ? 0x8000 : Number.isNaN(value) ? 0x7e00 : (HALF_BITS.get(value) ?? 0), little);
          else if (field.size === 4) dv.setFloat32(p, value, little);
          else dv.setFloat64(p, value, little);
          break;
        case 'bool':
          dv.setUint8(p, value === 0 || Number.isNaN(value) ? 0 : value === 2 ? 2 : 1);
          break;
        case 'char':
        case 'bytes':
        case 'pascal':
          for (let i = 0; i < field.size; ++i) dv.setUint8(p + i, i === 0 && field.kind === 'pascal' ? (int % 4n === 0n ? 0 : 1) : Number(BigInt.asUintN(8, int)));
          break;
        default:
          write(int);
      }
    }
  }
}

// ---- view_equals ------------------------------------------------------------------------

describe('view_equals', () => {
  const singles = ['b', 'B', 'h', 'H', 'i', 'I', 'q', 'Q', 'l', 'n', 'N', 'P', '<h', '>h', '>I', '<q', '>Q', 'e', '>e', 'f', '>f', 'd', '<d', '>d', '?', 'c', '2s', '3p', 'xB', '4xh'];
  const pairs = ['<hB', '>Bh', '=iH', 'hh', '2h', 'Bd', '<fq', 'c?', 'ix', '3sB'];
  const values = [0, -0, 1, -1, 2, 0.5, NaN, 255];

  const equalsCase = fc
    .record({
      formats: fc.oneof(
        fc.tuple(fc.constantFrom(...singles), fc.constantFrom(...singles)),
        fc.tuple(fc.constantFrom(...pairs), fc.constantFrom(...pairs)),
        fc.tuple(fc.constantFrom(...singles), fc.constantFrom(...pairs)),
      ),
      shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
      seed: fc.integer(),
      itemValues: fc.array(fc.constantFrom(...values), { minLength: 64, maxLength: 64 }),
      flip: fc.oneof({ arbitrary: fc.constant(null), weight: 2 }, { arbitrary: fc.nat(63), weight: 1 }),
    })
    .chain((base) =>
      fc.record({
        base: fc.constant(base),
        a: fc.array(fc.integer({ min: -3, max: 3 }), { minLength: base.shape.length, maxLength: base.shape.length }),
        b: fc.array(fc.integer({ min: -3, max: 3 }), { minLength: base.shape.length, maxLength: base.shape.length }),
        otherShape: fc.option(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }), { freq: 4 }),
      }),
    );

  test('compares values across formats as CPython == (against a decoding reference)', () => {
    fc.assert(
      fc.property(equalsCase, ({ base, a, b, otherShape }) => {
        const [fa, fb] = base.formats;
        // Both sides hold the same values (pads differ), except one item of b when `flip` is set.
        const build = (text: string, steps: number[], shape: number[], seed: number, flipAt: number) => {
          const itemsize = compiled(text).itemsize;
          const strides = steps.map((s) => s * itemsize);
          const view = place(shape, strides, itemsize, randomFill(seed));
          let i = 0;
          for (const index of indices(shape)) {
            let value = base.itemValues[i % 64];
            if (i === flipAt) value = values[(values.indexOf(value) + 1) % values.length];
            encodeItem(text, view.mem, offsetOf(index, strides, view.origin), value);
            ++i;
          }
          return view;
        };
        const shapeB = otherShape ?? base.shape;
        const stepsB = shapeB.map((_, d) => b[d] ?? 1);
        const va = build(fa, a, base.shape, base.seed, -1);
        const vb = build(fb, stepsB, shapeB, base.seed + 1, base.flip ?? -1);
        const expected = refViewsEqual(va, fa, vb, fb);
        expect(k.view_equals(va.mem, va.origin, va.shape, va.strides, fmt(fa), vb.mem, vb.origin, vb.shape, vb.strides, fmt(fb))).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });

  type Operand = [DataView, number, number[], number[], unknown];
  // A 0-d view of one item.
  const one = (text: string, bytes: number[]): Operand => [new DataView(new Uint8Array(bytes).buffer), 0, [], [], fmt(text)];
  const eq = (x: Operand, y: Operand) => k.view_equals(...x, ...y);
  const le64 = (v: bigint) => [...new Uint8Array(new BigUint64Array([BigInt.asUintN(64, v)]).buffer)];
  const f64 = (v: number) => [...new Uint8Array(new Float64Array([v]).buffer)];

  test('64-bit integers against doubles compare exactly', () => {
    expect(eq(one('q', le64(2n ** 53n + 1n)), one('d', f64(2 ** 53)))).toBe(false);
    expect(eq(one('q', le64(2n ** 53n)), one('d', f64(2 ** 53)))).toBe(true);
    expect(eq(one('Q', le64(2n ** 64n - 1n)), one('d', f64(2 ** 64)))).toBe(false);
    expect(eq(one('Q', le64(2n ** 63n)), one('d', f64(2 ** 63)))).toBe(true);
    expect(eq(one('q', le64(-(2n ** 63n))), one('d', f64(-(2 ** 63))))).toBe(true);
    expect(eq(one('q', le64(-1n)), one('Q', le64(2n ** 64n - 1n)))).toBe(false);
    expect(eq(one('q', le64(7n)), one('Q', le64(7n)))).toBe(true);
    expect(eq(one('q', le64(1n)), one('d', f64(1.5)))).toBe(false);
  });

  test('NaN, -0, bools, half floats, bytes and Pascal strings', () => {
    expect(eq(one('d', f64(NaN)), one('d', f64(NaN)))).toBe(false);
    expect(eq(one('d', f64(-0)), one('b', [0]))).toBe(true);
    expect(eq(one('?', [2]), one('B', [1]))).toBe(true);
    expect(eq(one('?', [0]), one('d', f64(0)))).toBe(true);
    expect(eq(one('e', [0x00, 0x3c]), one('f', [...new Uint8Array(new Float32Array([1]).buffer)]))).toBe(true);
    expect(eq(one('>e', [0x3c, 0x00]), one('B', [1]))).toBe(true);
    expect(eq(one('e', [0x01, 0x00]), one('d', f64(2 ** -24)))).toBe(true);
    expect(eq(one('c', [97]), one('B', [97]))).toBe(false);
    expect(eq(one('c', [97]), one('1s', [97]))).toBe(true);
    expect(eq(one('3s', [1, 2, 3]), one('3s', [1, 2, 4]))).toBe(false);
    // 'p': the length byte, then that many bytes (at most size - 1).
    expect(eq(one('4p', [2, 65, 66, 0]), one('4p', [2, 65, 66, 99]))).toBe(true);
    expect(eq(one('4p', [9, 65, 66, 67]), one('3s', [65, 66, 67]))).toBe(true);
    expect(eq(one('4p', [2, 65, 66, 0]), one('2s', [65, 66]))).toBe(true);
    expect(eq(one('4p', [1, 65, 66, 0]), one('2s', [65, 66]))).toBe(false);
  });

  test("records compare value by value; 'w' equals nothing; shapes as CPython's equiv_shape", () => {
    const rec = one('<hB', [1, 0, 2]);
    expect(eq(rec, one('>Bh', [1, 0, 2]))).toBe(true);
    expect(eq(rec, one('>Bh', [1, 2, 0]))).toBe(false);
    expect(eq(rec, one('<hBB', [1, 0, 2, 0]))).toBe(false);
    expect(eq(rec, one('h', [1, 0]))).toBe(false);
    const w = new DataView(new Uint32Array([65, 66]).buffer);
    expect(k.view_equals(w, 0, [2], [4], fmt('w'), w, 0, [2], [4], fmt('w'))).toBe(false);
    expect(k.view_equals(w, 0, [0], [4], fmt('w'), w, 0, [0], [4], fmt('w'))).toBe(false);
    const empty = new DataView(new ArrayBuffer(0));
    expect(k.view_equals(empty, 0, [0, 3], [3, 1], fmt('B'), empty, 0, [0, 5], [5, 1], fmt('d'))).toBe(true);
    expect(k.view_equals(empty, 0, [0], [1], fmt('B'), empty, 0, [0], [1], fmt('hh'))).toBe(true);
    expect(k.view_equals(empty, 0, [3, 0], [1, 1], fmt('B'), empty, 0, [5, 0], [1, 1], fmt('B'))).toBe(false);
    expect(k.view_equals(empty, 0, [0], [1], fmt('B'), empty, 0, [0, 0], [1, 1], fmt('B'))).toBe(false);
  });

  test('fast bytewise path: C-contiguous identical integer formats', () => {
    const a = new Int32Array(1000).map((_, i) => i * 7919);
    const b = Int32Array.from(a);
    const ma = new DataView(a.buffer);
    const mb = new DataView(b.buffer);
    expect(k.view_equals(ma, 0, [10, 100], [400, 4], fmt('i'), mb, 0, [10, 100], [400, 4], fmt('i'))).toBe(true);
    b[999] = 1;
    expect(k.view_equals(ma, 0, [10, 100], [400, 4], fmt('i'), mb, 0, [10, 100], [400, 4], fmt('i'))).toBe(false);
    expect(k.view_equals(ma, 0, [500], [8], fmt('i'), mb, 0, [500], [8], fmt('=i'))).toBe(true);
    // A '@' record with padding is not compared bytewise: its pad bytes differ here.
    const r1 = new DataView(new Uint8Array([1, 9, 2, 0]).buffer);
    const r2 = new DataView(new Uint8Array([1, 7, 2, 0]).buffer);
    expect(k.view_equals(r1, 0, [], [], fmt('bh'), r2, 0, [], [], fmt('bh'))).toBe(true);
  });

  test('format handles are checked', () => {
    const mem = new DataView(new ArrayBuffer(4));
    expectError(() => k.view_equals(mem, 0, [4], [1], 'B', mem, 0, [4], [1], fmt('B')), TypeError, 'ERR_MEMVIEW_TYPE');
  });
});

// ---- view_hex ---------------------------------------------------------------------------

function refHex(bytes: Buffer, sep?: string, bytesPerSep = 1): string {
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0'));
  if (sep === undefined || bytesPerSep === 0 || hex.length === 0) return hex.join('');
  const group = Math.abs(bytesPerSep);
  const groups: string[] = [];
  if (bytesPerSep < 0) {
    for (let i = 0; i < hex.length; i += group) groups.push(hex.slice(i, i + group).join(''));
  } else {
    for (let end = hex.length; end > 0; end -= group) groups.unshift(hex.slice(Math.max(0, end - group), end).join(''));
  }
  return groups.join(sep);
}

describe('view_hex', () => {
  test('bytes.hex(sep, bytesPerSep) over the C-order bytes (random strides)', () => {
    fc.assert(
      fc.property(
        anyLayout(3),
        fc.option(fc.constantFrom(':', ' ', '-', '\x7f')),
        fc.integer({ min: -5, max: 5 }),
        ({ itemsize, shape, strides, seed }, sep, bytesPerSep) => {
          const view = place(shape, strides, itemsize, randomFill(seed));
          const expected = refHex(refGather(view, 'C'), sep ?? undefined, bytesPerSep);
          expect(k.view_hex(view.mem, view.origin, shape, strides, itemsize, sep ?? undefined, bytesPerSep)).toBe(expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  test("CPython's examples and separator rules", () => {
    const mem = new DataView(new Uint8Array([1, 2, 3]).buffer);
    const hex = (sep: string | undefined, n: number) => k.view_hex(mem, 0, [3], [1], 1, sep, n);
    expect(hex(':', 2)).toBe('01:0203');
    expect(hex(':', -2)).toBe('0102:03');
    expect(hex(':', 0)).toBe('010203');
    expect(hex(':', 10)).toBe('010203');
    expect(hex(undefined, 2)).toBe('010203');
    expectError(() => hex('', 1), ValueError, 'ERR_MEMVIEW_VALUE', 'sep must be length 1.');
    expectError(() => hex('ab', 1), ValueError, 'ERR_MEMVIEW_VALUE', 'sep must be length 1.');
    expectError(() => hex('é', 1), ValueError, 'ERR_MEMVIEW_VALUE', 'sep must be ASCII.');
    expectError(() => hex('😀', 1), ValueError, 'ERR_MEMVIEW_VALUE', 'sep must be ASCII.');
    expectError(() => k.view_hex(mem, 0, [3], [1], 1, 5 as unknown as string, 1), TypeError, 'ERR_MEMVIEW_TYPE');
  });

  test('a result longer than V8 strings allow is MemoryError', () => {
    const mem = new DataView(new ArrayBuffer(1));
    expectError(() => k.view_hex(mem, 0, [2 ** 28], [0], 1, undefined, 1), MemoryError, 'ERR_MEMVIEW_NO_MEMORY');
    expectError(() => k.view_hex(mem, 0, [2 ** 27, 2], [0, 0], 1, ':', 1), MemoryError, 'ERR_MEMVIEW_NO_MEMORY');
  });
});

// ---- bytes_swap ---------------------------------------------------------------------------

describe('bytes_swap', () => {
  test.each([1, 2, 4, 8])('itemsize %d matches Buffer#swapN on a sub-range', (itemsize) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 200 }), fc.integer(), (offset, count, seed) => {
        const bytes = new Uint8Array(offset + count * itemsize + 5);
        randomFill(seed)(bytes);
        const expected = Buffer.from(bytes);
        const part = expected.subarray(offset, offset + count * itemsize);
        if (itemsize === 2) part.swap16();
        if (itemsize === 4) part.swap32();
        if (itemsize === 8) part.swap64();
        k.bytes_swap(new DataView(bytes.buffer), offset, count * itemsize, itemsize);
        expect(Buffer.from(bytes)).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });

  test('bad item sizes and lengths', () => {
    const mem = new DataView(new ArrayBuffer(16));
    expectError(() => k.bytes_swap(mem, 0, 12, 3), ValueError, 'ERR_MEMVIEW_VALUE');
    expectError(() => k.bytes_swap(mem, 0, 6, 4), ValueError, 'ERR_MEMVIEW_SHAPE');
    expectDetached(() => k.bytes_swap(mem, 8, 16, 8));
    expectDetached(() => k.bytes_swap(mem, 0, -8, 8));
  });
});

// ---- view_find, view_find_float ----------------------------------------------------------

describe('view_find', () => {
  test('counts and finds byte patterns like a naive scan (contiguous and strided)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 3, 4, 8, 16),
        fc.integer({ min: 0, max: 700 }),
        fc.constantFrom(1, 2, -1, 3),
        fc.integer(),
        fc.integer({ min: -5, max: 800 }),
        fc.integer({ min: -5, max: 800 }),
        (itemsize, length, step, seed, start, stop) => {
          const stride = step * itemsize;
          const view = place([length], [stride], itemsize, (bytes) => {
            // Few distinct items, so that matches happen.
            randomFill(seed)(bytes);
            for (let i = 0; i < bytes.length; ++i) bytes[i] &= 1;
          });
          const pattern = new Uint8Array(itemsize);
          for (let i = 0; i < itemsize; ++i) pattern[i] = (seed >> i) & (itemsize > 4 ? 0 : 1);
          const bytes = bytesOf(view.mem);
          const lo = Math.max(0, Math.min(start, length));
          const hi = Math.max(0, Math.min(stop, length));
          let count = 0;
          let first = -1;
          for (let i = lo; i < hi; ++i) {
            const at = view.origin + i * stride;
            if (pattern.every((b, j) => bytes[at + j] === b)) {
              ++count;
              if (first < 0) first = i;
            }
          }
          expect(k.view_find(view.mem, view.origin, length, stride, itemsize, pattern, start, stop, false)).toBe(count);
          expect(k.view_find(view.mem, view.origin, length, stride, itemsize, pattern, start, stop, true)).toBe(first);
        },
      ),
      { numRuns: 400 },
    );
  });

  test('long contiguous runs (vector loops, block boundaries)', () => {
    for (const [Ctor, value] of [
      [Uint8Array, 7],
      [Int16Array, -7],
      [Int32Array, 123456],
      [Float64Array, 2.5],
    ] as const) {
      const items = new Ctor(100003);
      const mem = new DataView(items.buffer);
      const pattern = new Uint8Array(new Ctor([value as never]).buffer);
      const size = Ctor.BYTES_PER_ELEMENT;
      expect(k.view_find(mem, 0, items.length, size, size, pattern, 0, items.length, true)).toBe(-1);
      for (const i of [5, 255, 256, 65535, 65536, 70000, 100002]) items[i] = value as never;
      expect(k.view_find(mem, 0, items.length, size, size, pattern, 0, items.length, false)).toBe(7);
      expect(k.view_find(mem, 0, items.length, size, size, pattern, 0, items.length, true)).toBe(5);
      expect(k.view_find(mem, 0, items.length, size, size, pattern, 6, items.length, true)).toBe(255);
      expect(k.view_find(mem, 0, items.length, size, size, pattern, 70001, 100002, true)).toBe(-1);
      expect(k.view_find(mem, 0, items.length, size, size, pattern, 257, 100003, false)).toBe(4);
    }
  });

  test('the pattern must be a Uint8Array of itemsize bytes', () => {
    const mem = new DataView(new ArrayBuffer(8));
    expectError(() => k.view_find(mem, 0, 2, 4, 4, new Uint8Array(2), 0, 2, true), TypeError, 'ERR_MEMVIEW_TYPE');
    expectError(() => k.view_find(mem, 0, 2, 4, 4, new Int8Array(4) as unknown as Uint8Array, 0, 2, true), TypeError, 'ERR_MEMVIEW_TYPE');
    expectError(() => k.view_find(mem, 0, 2, 4, 4, new Uint8Array(4), 0, 2, 1 as unknown as boolean), TypeError, 'ERR_MEMVIEW_TYPE');
  });
});

describe('view_find_float', () => {
  function floats(text: string, values: number[]): DataView {
    const size = compiled(text).itemsize;
    const mem = new DataView(new ArrayBuffer(values.length * size));
    values.forEach((v, i) => encodeItem(text, mem, i * size, v));
    return mem;
  }
  test.each(['e', '<e', '>e', 'f', '>f', 'd', '>d', '<d', 'xd'])('format %s: numeric equality, NaN never, -0 == 0', (text) => {
    const values = [1, 0, -0, NaN, 2, 0.5, 1, -1, 0, 255];
    const mem = floats(text, values);
    const size = compiled(text).itemsize;
    const find = (value: number, first: boolean, start = 0, stop = values.length) => k.view_find_float(mem, 0, values.length, size, fmt(text), value, start, stop, first);
    expect(find(1, false)).toBe(2);
    expect(find(0, false)).toBe(3);
    expect(find(-0, true)).toBe(1);
    expect(find(NaN, false)).toBe(0);
    expect(find(NaN, true)).toBe(-1);
    expect(find(255, true)).toBe(9);
    expect(find(0.5, true, 6)).toBe(-1);
    expect(find(1, true, 3, 8)).toBe(6);
    expect(find(-1, true, -100, 100)).toBe(7);
    expect(find(3, false)).toBe(0);
  });

  test('values the format cannot hold exactly never match', () => {
    const f = floats('f', [0.1, 16777217, 1e39]);
    expect(k.view_find_float(f, 0, 3, 4, fmt('f'), 0.1, 0, 3, false)).toBe(0); // the float32 0.1 is not the double 0.1
    expect(k.view_find_float(f, 0, 3, 4, fmt('f'), Math.fround(0.1), 0, 3, true)).toBe(0);
    expect(k.view_find_float(f, 0, 3, 4, fmt('f'), 16777216, 0, 3, true)).toBe(1);
    expect(k.view_find_float(f, 0, 3, 4, fmt('f'), Infinity, 0, 3, true)).toBe(2);
    expect(k.view_find_float(f, 0, 3, 4, fmt('f'), 1e39, 0, 3, true)).toBe(-1);
    const h = new DataView(new Uint16Array([0x3c01, 0x7c00, 0x0001]).buffer);
    expect(k.view_find_float(h, 0, 3, 2, fmt('e'), 1 + 2 ** -10, 0, 3, true)).toBe(0);
    expect(k.view_find_float(h, 0, 3, 2, fmt('e'), 1 + 2 ** -11, 0, 3, true)).toBe(-1);
    expect(k.view_find_float(h, 0, 3, 2, fmt('e'), Infinity, 0, 3, true)).toBe(1);
    expect(k.view_find_float(h, 0, 3, 2, fmt('e'), 2 ** -24, 0, 3, true)).toBe(2);
    expect(k.view_find_float(h, 0, 3, 2, fmt('e'), 70000, 0, 3, true)).toBe(-1);
  });

  test('strided and reversed float views', () => {
    const d = new Float64Array([1, 2, 3, 2, 1, 2]);
    const mem = new DataView(d.buffer);
    expect(k.view_find_float(mem, 40, 6, -8, fmt('d'), 2, 0, 6, true)).toBe(0);
    expect(k.view_find_float(mem, 40, 3, -16, fmt('d'), 2, 0, 3, false)).toBe(3);
    expect(k.view_find_float(mem, 0, 3, 16, fmt('d'), 3, 0, 3, true)).toBe(1);
  });

  test('needs a float format and a number', () => {
    const mem = new DataView(new ArrayBuffer(8));
    expectError(() => k.view_find_float(mem, 0, 2, 4, fmt('i'), 1, 0, 2, true), TypeError, 'ERR_MEMVIEW_TYPE');
    expectError(() => k.view_find_float(mem, 0, 1, 8, fmt('dd'), 1, 0, 1, true), TypeError, 'ERR_MEMVIEW_TYPE');
    expectError(() => k.view_find_float(mem, 0, 2, 4, fmt('f'), 1n as unknown as number, 0, 2, true), TypeError, 'ERR_MEMVIEW_TYPE');
  });
});

// ---- view_convert ------------------------------------------------------------------------

describe('view_convert', () => {
  const RANGES: Record<string, [bigint, bigint]> = {
    b: [-128n, 127n],
    B: [0n, 255n],
    h: [-(2n ** 15n), 2n ** 15n - 1n],
    H: [0n, 2n ** 16n - 1n],
    i: [-(2n ** 31n), 2n ** 31n - 1n],
    I: [0n, 2n ** 32n - 1n],
    l: [-(2n ** 63n), 2n ** 63n - 1n],
    L: [0n, 2n ** 64n - 1n],
    q: [-(2n ** 63n), 2n ** 63n - 1n],
    Q: [0n, 2n ** 64n - 1n],
    '<h': [-(2n ** 15n), 2n ** 15n - 1n],
    '>I': [0n, 2n ** 32n - 1n],
  };
  const srcFormats = ['b', 'B', 'h', 'H', 'i', 'I', 'q', 'Q', '>h', '<Q', 'f', 'd', '>d', 'e', '?'];
  const dstFormats = [...Object.keys(RANGES), 'f', 'd', '>d', '?'];
  const interesting = [0, 1, -1, 127, 128, 255, 256, -129, 32767, 32768, -32769, 65535, 65536, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 53, -(2 ** 60), 2 ** 63, 0.5, -0, NaN, Infinity, 1e300];

  function refConvert(src: View, srcText: string, dstText: string, range: 'value' | 'overflow'): Buffer | Error {
    const dst = compiled(dstText);
    const out = new DataView(new ArrayBuffer([...indices(src.shape)].length * dst.itemsize));
    let i = 0;
    const field = dst.fields[0];
    const values = [...indices(src.shape)].map((index) => decodeItem(srcText, src.mem, offsetOf(index, src.strides, src.origin))[0]);
    if (values.length === 0) return Buffer.alloc(0);
    if (['int', 'uint', 'bigint', 'biguint'].includes(field.kind) && values[0].t === 'float') return new TypeError('integer argument expected, got float');
    for (const v of values) {
      const at = i++ * dst.itemsize;
      if (field.kind === 'bool') {
        out.setUint8(at, v.t === 'float' ? (v.v !== 0 && !Number.isNaN(v.v) ? 1 : 0) : v.v !== 0n ? 1 : 0);
      } else if (field.kind === 'float') {
        const n = v.t === 'float' ? v.v : Number(v.v as bigint);
        if (field.size === 4) out.setFloat32(at, n, field.littleEndian);
        else out.setFloat64(at, n, field.littleEndian);
      } else {
        const n = v.v as bigint;
        const [lo, hi] = RANGES[dstText];
        if (n < lo || n > hi) return range === 'value' ? new ValueError('') : new OverflowError('');
        if (field.size === 1) out.setUint8(at, Number(BigInt.asUintN(8, n)));
        else if (field.size === 2) out.setUint16(at, Number(BigInt.asUintN(16, n)), field.littleEndian);
        else if (field.size === 4) out.setUint32(at, Number(BigInt.asUintN(32, n)), field.littleEndian);
        else out.setBigUint64(at, BigInt.asUintN(64, n), field.littleEndian);
      }
    }
    return Buffer.from(out.buffer);
  }

  test('converts every item or nothing, like a per-value reference', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...srcFormats),
        fc.constantFrom(...dstFormats),
        fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 }),
        fc.array(fc.integer({ min: -2, max: 2 }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.constantFrom(...interesting), { minLength: 27, maxLength: 27 }),
        fc.constantFrom('value' as const, 'overflow' as const),
        (srcText, dstText, shape, steps, values, range) => {
          const itemsize = compiled(srcText).itemsize;
          const strides = shape.map((_, d) => steps[d] * itemsize);
          const src = place(shape, strides, itemsize, () => {});
          let i = 0;
          for (const index of indices(shape)) encodeItem(srcText, src.mem, offsetOf(index, strides, src.origin), values[i++]);
          const expected = refConvert(src, srcText, dstText, range);
          const dstSize = compiled(dstText).itemsize;
          const out = new Uint8Array(i * dstSize + 4).fill(0xab);
          const call = () => k.view_convert(new DataView(out.buffer), 2, fmt(dstText), src.mem, src.origin, shape, strides, fmt(srcText), range);
          if (expected instanceof Error) {
            expect(call).toThrow();
            try {
              call();
            } catch (error) {
              expect((error as Error).name).toBe(expected instanceof TypeError ? 'TypeError' : expected.name);
            }
            expect([...out].every((b) => b === 0xab)).toBe(true);
          } else {
            call();
            expect(Buffer.from(out.subarray(2, 2 + expected.length))).toEqual(expected);
            expect([out[0], out[1], out[out.length - 2], out[out.length - 1]]).toEqual([0xab, 0xab, 0xab, 0xab]);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  const convert = (dstText: string, src: ArrayBufferView, srcText: string, range: 'value' | 'overflow', out?: Uint8Array) => {
    const size = compiled(srcText).itemsize;
    const n = src.byteLength / size;
    const target = out ?? new Uint8Array(n * compiled(dstText).itemsize);
    k.view_convert(new DataView(target.buffer), 0, fmt(dstText), new DataView(src.buffer, src.byteOffset, src.byteLength), 0, [n], [size], fmt(srcText), range);
    return target;
  };

  test("range errors: CPython's array messages (OverflowError) or memoryview's (ValueError)", () => {
    const cases: [string, ArrayBufferView, string, string][] = [
      ['B', new Int16Array([1, 300]), 'h', 'unsigned byte integer is greater than maximum'],
      ['B', new Int16Array([-1]), 'h', 'unsigned byte integer is less than minimum'],
      ['b', new Int16Array([-129]), 'h', 'signed char is less than minimum'],
      ['h', new Int32Array([40000]), 'i', 'signed short integer is greater than maximum'],
      ['H', new Int32Array([-1]), 'i', 'unsigned short is less than minimum'],
      ['i', new BigInt64Array([2n ** 31n]), 'q', 'signed integer is greater than maximum'],
      ['I', new BigInt64Array([-1n]), 'q', "can't convert negative value to unsigned int"],
      ['I', new BigInt64Array([2n ** 32n]), 'q', 'unsigned int is greater than maximum'],
      ['l', new BigUint64Array([2n ** 63n]), 'Q', 'Python int too large to convert to C long'],
      ['L', new BigInt64Array([-1n]), 'q', "can't convert negative value to unsigned int"],
      ['q', new BigUint64Array([2n ** 63n]), 'Q', 'int too big to convert'],
      ['Q', new BigInt64Array([-1n]), 'q', "can't convert negative int to unsigned"],
    ];
    for (const [dst, src, srcText, message] of cases) {
      expectError(() => convert(dst, src, srcText, 'overflow'), OverflowError, 'ERR_MEMVIEW_VALUE', message);
      expectError(() => convert(dst, src, srcText, 'value'), ValueError, 'ERR_MEMVIEW_VALUE', `memoryview: invalid value for format '${dst}'`);
    }
  });

  test('floats into integer formats are TypeError (unless there is nothing to convert)', () => {
    expectError(() => convert('i', new Float64Array([1]), 'd', 'overflow'), TypeError, 'ERR_MEMVIEW_TYPE', 'integer argument expected, got float');
    expect(() => convert('i', new Float64Array([]), 'd', 'overflow')).not.toThrow();
  });

  test('float formats: native f saturates, e and <f refuse what overflows', () => {
    const out = convert('f', new Float64Array([1e300, -1e300, 1.5]), 'd', 'overflow');
    expect([...new Float32Array(out.buffer)]).toEqual([Infinity, -Infinity, 1.5]);
    expectError(() => convert('<f', new Float64Array([1e300]), 'd', 'value'), OverflowError, 'ERR_MEMVIEW_VALUE', 'float too large to pack with f format');
    expectError(() => convert('e', new Float64Array([1, 65520]), 'd', 'value'), OverflowError, 'ERR_MEMVIEW_VALUE', 'float too large to pack with e format');
    const half = convert('e', new Float64Array([1, 65519, -0, NaN, Infinity, 2 ** -25, 3 * 2 ** -25, 1 + 2 ** -11, 1 + 3 * 2 ** -11]), 'd', 'value');
    expect([...new Uint16Array(half.buffer)]).toEqual([0x3c00, 0x7bff, 0x8000, 0x7e00, 0x7c00, 0x0000, 0x0002, 0x3c00, 0x3c02]);
    const fromInts = convert('d', new BigUint64Array([2n ** 64n - 1n, 2n ** 53n + 1n]), 'Q', 'value');
    expect([...new Float64Array(fromInts.buffer)]).toEqual([2 ** 64, 2 ** 53]);
    const bools = convert('?', new Float64Array([0, -0, NaN, 0.1, -Infinity]), 'd', 'value');
    expect([...bools]).toEqual([0, 0, 0, 1, 1]);
    const fromBools = convert('d', new Uint8Array([0, 1, 2]), '?', 'value');
    expect([...new Float64Array(fromBools.buffer)]).toEqual([0, 1, 1]);
  });

  test("'u' and 'w' convert to each other only", () => {
    const wide = new Uint32Array([0x41, 0x1f600]);
    const out = convert('w', wide, 'w', 'value');
    expect([...new Uint32Array(out.buffer)]).toEqual([0x41, 0x1f600]);
    const codes = k.format_compile('u', 2);
    k.view_convert(new DataView(out.buffer), 0, codes.handle, new DataView(wide.buffer), 4, [1], [4], fmt('w'), 'value');
    expect([...new Uint32Array(out.buffer)]).toEqual([0x1f600, 0x1f600]);
    expectError(() => convert('i', wide, 'w', 'value'), TypeError, 'ERR_MEMVIEW_TYPE');
    expectError(() => convert('w', new Int32Array(1), 'i', 'value'), TypeError, 'ERR_MEMVIEW_TYPE');
    expectError(() => convert('B', new Uint8Array(1), 'c', 'value'), TypeError, 'ERR_MEMVIEW_TYPE');
    expectError(() => convert('h', new Int16Array(2), 'hh', 'value'), TypeError, 'ERR_MEMVIEW_TYPE');
  });

  test('overlapping source and destination', () => {
    // Widening in place: int8 items at the start of a buffer become int32 items over them.
    const bytes = new Uint8Array(16);
    bytes.set([1, 255, 3, 128]);
    const mem = new DataView(bytes.buffer);
    k.view_convert(mem, 0, fmt('i'), mem, 0, [4], [1], fmt('b'), 'overflow');
    expect([...new Int32Array(bytes.buffer)]).toEqual([1, -1, 3, -128]);
    // Same representation, reversed in place.
    const ints = new Int16Array([1, 2, 3, 4]);
    const imem = new DataView(ints.buffer);
    k.view_convert(imem, 0, fmt('h'), imem, 6, [4], [-2], fmt('<h'), 'value');
    expect([...ints]).toEqual([4, 3, 2, 1]);
  });

  test('the destination must hold every item', () => {
    const out = new Uint8Array(7);
    expectDetached(() => k.view_convert(new DataView(out.buffer), 0, fmt('h'), new DataView(new ArrayBuffer(4)), 0, [4], [1], fmt('B'), 'value'));
    expectDetached(() => k.view_convert(detachedView(8), 0, fmt('h'), new DataView(new ArrayBuffer(4)), 0, [4], [1], fmt('B'), 'value'));
    expectError(() => k.view_convert(new DataView(out.buffer), 0, fmt('h'), new DataView(new ArrayBuffer(4)), 0, [2], [1], fmt('B'), 'other' as 'value'), TypeError, 'ERR_MEMVIEW_TYPE');
  });
});
