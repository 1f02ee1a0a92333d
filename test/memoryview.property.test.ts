// Property tests (fast-check): random format × shape × strides × indexing against
// a naive model that walks bytes itself — toBytes('C'|'F'|'A') equals an
// element-wise gather, toList agrees with get, slicing a slice equals the
// composed slice, and casts round-trip.
import fc from 'fast-check';

import { memoryview, MemoryView, Slice, slice, struct } from '../lib';

interface Model {
  origin: number; // byte offset of item (0, …, 0) in `bytes`
  shape: number[];
  strides: number[];
  itemsize: number;
}

const FORMATS = ['B', 'b', 'h', '<H', '>h', 'i', '>I', 'q', '<Q', 'f', '>f', 'd', '>d', '?', 'c', '2s', '<hB', '>iH'];

// Python's slice.indices, written out independently of lib/slice.ts.
function sliceIndices(n: number, start: number | null, stop: number | null, step: number): number[] {
  const out: number[] = [];
  const norm = (v: number, low: number, high: number): number => {
    const x = v < 0 ? v + n : v;
    return Math.min(Math.max(x, low), high);
  };
  if (step > 0) {
    const a = start === null ? 0 : norm(start, 0, n);
    const b = stop === null ? n : norm(stop, 0, n);
    for (let i = a; i < b; i += step) out.push(i);
  } else {
    const a = start === null ? n - 1 : norm(start, -1, n - 1);
    const b = stop === null ? -1 : norm(stop, -1, n - 1);
    for (let i = a; i > b; i += step) out.push(i);
  }
  return out;
}

/** Byte offsets of every item, in C order (or F order). */
function offsets(m: Model, order: 'C' | 'F'): number[] {
  const out: number[] = [];
  const dims = m.shape.map((_, k) => k);
  if (order === 'F') dims.reverse();
  const walk = (level: number, offset: number): void => {
    if (level === dims.length) {
      out.push(offset);
      return;
    }
    const k = dims[level];
    for (let i = 0; i < m.shape[k]; i++) walk(level + 1, offset + i * m.strides[k]);
  };
  walk(0, m.origin);
  return out;
}

function gather(bytes: Uint8Array, m: Model, order: 'C' | 'F'): Buffer {
  const out = Buffer.alloc(offsets(m, order).length * m.itemsize);
  offsets(m, order).forEach((o, i) => out.set(bytes.subarray(o, o + m.itemsize), i * m.itemsize));
  return out;
}

const sliceArb = fc.record({
  start: fc.option(fc.integer({ min: -8, max: 8 }), { nil: null }),
  stop: fc.option(fc.integer({ min: -8, max: 8 }), { nil: null }),
  step: fc.integer({ min: -3, max: 3 }).filter((s) => s !== 0),
});
type SliceSpec = { start: number | null; stop: number | null; step: number };

const caseArb = fc
  .record({
    format: fc.constantFrom(...FORMATS),
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }),
    slices: fc.array(sliceArb, { maxLength: 4 }),
    seed: fc.integer({ min: 0, max: 255 }),
  })
  .map((c) => ({ ...c, slices: c.slices.slice(0, c.shape.length) }));

/** Builds the view by cast + n-D slicing, and the model by the same arithmetic done naively. */
function build(c: { format: string; shape: number[]; slices: SliceSpec[]; seed: number }): { bytes: Uint8Array; view: MemoryView; model: Model } {
  const itemsize = struct.calcsize(c.format);
  const count = c.shape.reduce((a, b) => a * b, 1);
  const bytes = new Uint8Array(Math.max(count, 1) * itemsize).map((_, i) => (i * 31 + c.seed) & 255);
  const view: MemoryView = count === 0 ? memoryview(bytes.subarray(0, 0)).cast(c.format) : memoryview(bytes).cast(c.format, c.shape);
  const base: Model = { origin: 0, shape: count === 0 ? [0] : c.shape.slice(), strides: view.strides, itemsize };
  if (count === 0) return { bytes, view, model: base };
  const model = { ...base, shape: base.shape.slice(), strides: base.strides.slice() };
  const keys: Slice[] = [];
  c.slices.forEach((s, k) => {
    const idx = sliceIndices(model.shape[k], s.start, s.stop, s.step);
    keys.push(slice(s.start, s.stop, s.step));
    if (idx.length > 0) model.origin += idx[0] * model.strides[k];
    model.shape[k] = idx.length;
    model.strides[k] *= s.step;
  });
  return { bytes, view: keys.length ? (view.get(...keys) as MemoryView) : view, model };
}

describe('MemoryView properties', () => {
  test('shape, strides and toBytes C/F/A equal a naive element-wise gather', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { bytes, view, model } = build(c);
        expect(view.shape).toEqual(model.shape);
        expect(view.strides).toEqual(model.strides);
        expect(view.toBytes('C')).toEqual(gather(bytes, model, 'C'));
        expect(view.toBytes('F')).toEqual(gather(bytes, model, 'F'));
        const a = view.fContiguous && !view.cContiguous ? 'F' : 'C';
        expect(view.toBytes('A')).toEqual(gather(bytes, model, a));
        expect(view.hex()).toBe(gather(bytes, model, 'C').toString('hex'));
      }),
      { numRuns: 300 },
    );
  });

  test('toList agrees with get, item by item', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { view } = build(c);
        const viaGet = (v: MemoryView, depth: number, prefix: number[]): unknown =>
          depth === v.ndim ? v.get(...prefix) : Array.from({ length: v.shape[depth] }, (_, i) => viaGet(v, depth + 1, [...prefix, i]));
        expect(view.toList()).toEqual(viaGet(view, 0, []));
      }),
      { numRuns: 200 },
    );
  });

  test('slicing a slice equals the composed slice', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), sliceArb, sliceArb, (n, s1, s2) => {
        const m = memoryview(new Int16Array(n).map((_, i) => i * 3));
        const twice = (m.get(slice(s1.start, s1.stop, s1.step)) as MemoryView).get(slice(s2.start, s2.stop, s2.step)) as MemoryView;
        const idx = sliceIndices(n, s1.start, s1.stop, s1.step);
        const composed = sliceIndices(idx.length, s2.start, s2.stop, s2.step).map((i) => idx[i]);
        expect(twice.toList()).toEqual(composed.map((i) => i * 3));
        if (composed.length >= 1) {
          const step = composed.length > 1 ? composed[1] - composed[0] : 1;
          const last = composed[composed.length - 1] + step;
          const once = m.get(slice(composed[0], last < 0 ? null : last, step)) as MemoryView;
          expect(once.toList()).toEqual(twice.toList());
          if (composed.length > 1) expect(once.strides).toEqual(twice.strides);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('cast to bytes and back round-trips, and equals the original', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { view } = build({ ...c, slices: [] });
        if (view.nbytes === 0) return;
        const back = view.cast('B').cast(view.format, view.shape);
        expect(back.toBytes()).toEqual(view.toBytes());
        expect(back.shape).toEqual(view.shape);
        const hasNaN = JSON.stringify(view.toList(), (_, v) => (typeof v === 'bigint' ? String(v) : v)).includes('null');
        if (!hasNaN) expect(back.equals(view)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
