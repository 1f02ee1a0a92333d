// The per-item fast paths of get(i) / set(i, v) on 1-D views (memoryview.ts,
// "Fast fields"): contiguous typed arrays, strided typed arrays and DataViews.
// Each is driven hot (so V8 optimizes the loop around it) and then every way
// out of it is taken: indices out of range, fractional or extra, values the
// format refuses, readonly views, release, detach and shrink. The checked path
// must answer exactly as it would for a cold view, and never touch memory.
import { MemoryView, memoryview, slice } from '../lib';
import { errorOf } from './support/errors';

// Any format, one dimension (a MemoryView<'h', 1> is assignable to it, as to a user's own helpers).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type View = MemoryView<any, 1>;

const HOT = 20_000;

// One function per operation, shared by every case, so that V8 sees each view
// kind at the same call sites as a user's loop would.
function sumOf(m: View): number {
  let s = 0;
  for (let i = 0; i < m.length; i++) s += Number(m.get(i));
  return s;
}
function fill(m: View, value: (i: number) => number): void {
  for (let i = 0; i < m.length; i++) m.set(i, value(i));
}
function hot(m: View, writable: boolean): void {
  for (let r = 0; r < HOT / m.length; r++) {
    if (writable) fill(m, (i) => (i * 7 + r) % 100);
    sumOf(m);
  }
}

interface Case {
  name: string;
  /** A fresh view of 8 items, and a DataView reader of item i of it. */
  make(buffer: ArrayBuffer): { m: View; item(i: number): number };
  /** The format's integer range, when it has one. */
  range?: [number, number];
}

const cases: Case[] = [
  {
    name: "contiguous 'h' (typed array)",
    make: (ab) => ({ m: memoryview(new Int16Array(ab, 0, 8)), item: (i) => new DataView(ab).getInt16(i * 2, true) }),
    range: [-32768, 32767],
  },
  {
    name: "contiguous 'd' (typed array)",
    make: (ab) => ({ m: memoryview(new Float64Array(ab, 0, 8)), item: (i) => new DataView(ab).getFloat64(i * 8, true) }),
  },
  {
    name: "every other 'i', step 2 (strided typed array)",
    make: (ab) => ({ m: memoryview(new Int32Array(ab, 0, 16)).get(slice(1, null, 2)) as View, item: (i) => new DataView(ab).getInt32((1 + 2 * i) * 4, true) }),
    range: [-(2 ** 31), 2 ** 31 - 1],
  },
  {
    name: "reversed 'B', step -1 (strided typed array)",
    make: (ab) => ({ m: memoryview(new Uint8Array(ab, 0, 8)).get(slice(null, null, -1)) as View, item: (i) => new DataView(ab).getUint8(7 - i) }),
    range: [0, 255],
  },
  {
    name: "a slice of 'h', step 1 (typed array made at first access)",
    make: (ab) => ({ m: memoryview(new Int16Array(ab, 0, 12)).get(slice(2, 10)) as View, item: (i) => new DataView(ab).getInt16((2 + i) * 2, true) }),
    range: [-32768, 32767],
  },
  {
    name: "every other '>i' (strided DataView made at first access)",
    make: (ab) => ({ m: memoryview(ab).cast('>i').get(slice(1, 17, 2)) as View, item: (i) => new DataView(ab).getInt32((1 + 2 * i) * 4, false) }),
    range: [-(2 ** 31), 2 ** 31 - 1],
  },
  {
    name: "big-endian '>H' (DataView)",
    make: (ab) => ({ m: memoryview(ab).cast('B', [ab.byteLength]).get(slice(0, 16)).cast('>H'), item: (i) => new DataView(ab).getUint16(i * 2, false) }),
    range: [0, 65535],
  },
  {
    name: "unaligned '<d' at byte 1 (DataView)",
    make: (ab) => ({ m: memoryview(new Uint8Array(ab, 1, 64)).cast('<d'), item: (i) => new DataView(ab).getFloat64(1 + i * 8, true) }),
  },
];

describe.each(cases)('$name', ({ make, range }) => {
  test('hot reads and writes agree with the bytes', () => {
    const ab = new ArrayBuffer(80);
    const { m, item } = make(ab);
    expect(m.length).toBe(8);
    hot(m, !m.readonly);
    const value = (i: number): number => i * 3 + 5 + (range ? 0 : 0.25);
    fill(m, value);
    for (let i = 0; i < 8; i++) {
      expect(m.get(i)).toBe(value(i));
      expect(item(i)).toBe(value(i));
      expect(m.get(i - 8)).toBe(value(i));
    }
    expect(sumOf(m)).toBe([0, 1, 2, 3, 4, 5, 6, 7].reduce((s, i) => s + value(i), 0));
  });

  test('every index the fast path cannot take gets the checked answer', () => {
    const { m } = make(new ArrayBuffer(80));
    hot(m, true);
    expect(errorOf(() => m.get(8))).toEqual({ name: 'IndexError', code: 'ERR_MEMVIEW_INDEX' });
    expect(errorOf(() => m.get(-9))).toEqual({ name: 'IndexError', code: 'ERR_MEMVIEW_INDEX' });
    expect(errorOf(() => m.get(2 ** 53))).toEqual({ name: 'IndexError', code: 'ERR_MEMVIEW_INDEX' });
    expect(errorOf(() => m.get(1.5))).toEqual({ name: 'TypeError', code: 'ERR_MEMVIEW_TYPE' });
    expect(errorOf(() => m.get(NaN))).toEqual({ name: 'TypeError', code: 'ERR_MEMVIEW_TYPE' });
    expect(errorOf(() => m.get(1, 0))).toEqual({ name: 'TypeError', code: 'ERR_MEMVIEW_TYPE' });
    expect(errorOf(() => (m.get as (...index: unknown[]) => unknown)(1, undefined, 2))).toEqual({ name: 'TypeError', code: 'ERR_MEMVIEW_TYPE' });
    expect(errorOf(() => m.set(8, 1))).toEqual({ name: 'IndexError', code: 'ERR_MEMVIEW_INDEX' });
    expect(errorOf(() => m.set(-9, 1))).toEqual({ name: 'IndexError', code: 'ERR_MEMVIEW_INDEX' });
    expect(errorOf(() => m.set(0.5, 1))).toEqual({ name: 'TypeError', code: 'ERR_MEMVIEW_TYPE' });
    // Not numbers: TypeError, and no user code runs (no toString, no valueOf).
    let called = false;
    const sneaky = { toString: () => ((called = true), '0'), valueOf: () => ((called = true), 0) };
    for (const index of ['1', sneaky, true, null, Symbol('i')]) {
      expect(errorOf(() => m.get(index as unknown as number))).toEqual({ name: 'TypeError', code: 'ERR_MEMVIEW_TYPE' });
      expect(errorOf(() => m.set(index as unknown as number, 1))).toEqual({ name: 'TypeError', code: 'ERR_MEMVIEW_TYPE' });
    }
    expect(called).toBe(false);
    expect(m.get(1n as unknown as number)).toBe(m.get(1));
    // An undefined second index counts as absent (memoryview.ts, get's fast path).
    expect((m.get as (...index: unknown[]) => unknown)(3, undefined)).toBe(m.get(3));
    expect(m.get(-0)).toBe(m.get(0));
  });

  test('values the format refuses change nothing', () => {
    const { m } = make(new ArrayBuffer(80));
    hot(m, true);
    const before = m.toList();
    if (range) {
      expect(errorOf(() => m.set(1, range[1] + 1))).toEqual({ name: 'ValueError', code: 'ERR_MEMVIEW_VALUE' });
      expect(errorOf(() => m.set(1, range[0] - 1))).toEqual({ name: 'ValueError', code: 'ERR_MEMVIEW_VALUE' });
      expect(errorOf(() => m.set(1, 0.5))).toEqual({ name: 'TypeError', code: 'ERR_MEMVIEW_TYPE' });
      expect(errorOf(() => m.set(1, NaN))).toEqual({ name: 'TypeError', code: 'ERR_MEMVIEW_TYPE' });
      m.set(2, -0);
      expect(Object.is(m.get(2), 0)).toBe(true);
      m.set(2, before[2] as number);
    } else {
      m.set(1, NaN);
      expect(m.get(1)).toBeNaN();
      m.set(1, before[1] as number);
    }
    expect(errorOf(() => m.set(1, '1' as unknown as number))).toEqual({ name: 'TypeError', code: 'ERR_MEMVIEW_TYPE' });
    expect(m.toList()).toEqual(before);
  });

  test('a readonly view of a hot view refuses writes', () => {
    const { m } = make(new ArrayBuffer(80));
    hot(m, true);
    const ro = m.toReadonly();
    hot(ro, false);
    expect(errorOf(() => ro.set(0, 1))).toEqual({ name: 'TypeError', code: 'ERR_MEMVIEW_READONLY' });
    expect(ro.toList()).toEqual(m.toList());
  });

  test('release ends the fast path of that view only', () => {
    const ab = new ArrayBuffer(80);
    const { m } = make(ab);
    const { m: other } = make(ab);
    hot(m, true);
    hot(other, true);
    m.release();
    expect(errorOf(() => m.get(0))).toEqual({ name: 'ValueError', code: 'ERR_MEMVIEW_RELEASED' });
    expect(errorOf(() => m.set(0, 1))).toEqual({ name: 'ValueError', code: 'ERR_MEMVIEW_RELEASED' });
    expect(errorOf(() => sumOf(m))).toEqual({ name: 'ValueError', code: 'ERR_MEMVIEW_RELEASED' });
    hot(other, true); // the same call sites, still fast for the live view
    expect(other.get(0)).toBe(other.toList()[0]);
  });

  test('detaching the buffer under a hot view: ValueError, nothing touched', () => {
    const ab = new ArrayBuffer(80);
    const { m } = make(ab);
    hot(m, true);
    structuredClone(ab, { transfer: [ab] });
    expect(ab.byteLength).toBe(0);
    for (const op of [() => m.get(0), () => m.get(-1), () => m.set(0, 1), () => sumOf(m), () => fill(m, () => 1)]) {
      expect(errorOf(op)).toEqual({ name: 'ValueError', code: 'ERR_MEMVIEW_DETACHED' });
    }
  });

  const resizable = (ArrayBuffer.prototype as { resize?: unknown }).resize !== undefined;
  (resizable ? test : test.skip)('shrinking a resizable buffer under a hot view, then growing it back', () => {
    const ab = new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void })(80, { maxByteLength: 160 });
    const { m } = make(ab);
    hot(m, true);
    const before = m.toList();
    ab.resize(1);
    expect(errorOf(() => m.get(7))).toEqual({ name: 'ValueError', code: 'ERR_MEMVIEW_DETACHED' });
    expect(errorOf(() => m.set(7, 1))).toEqual({ name: 'ValueError', code: 'ERR_MEMVIEW_DETACHED' });
    expect(errorOf(() => sumOf(m))).toEqual({ name: 'ValueError', code: 'ERR_MEMVIEW_DETACHED' });
    ab.resize(160);
    // Growing zero-fills the bytes that were cut off: the view is alive again over them.
    expect(m.toList().length).toBe(8);
    expect(errorOf(() => hot(m, true))).toBeUndefined();
    expect(before.length).toBe(8);
  });
});

test('views of different kinds share the call sites without mixing them up', () => {
  const ab = new ArrayBuffer(80);
  const views = cases.map((c) => c.make(ab));
  for (let r = 0; r < 200; r++) {
    for (const { m, item } of views) {
      const i = r % 8;
      expect(m.get(i)).toBe(item(i));
    }
  }
});

test('a view of a length-tracking typed array keeps the length it was made with', () => {
  const ab = new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void })(16, { maxByteLength: 64 });
  if (typeof (ab as { resize?: unknown }).resize !== 'function') return; // no resizable buffers on this Node
  const tracking = new Int16Array(ab); // follows the buffer's length
  const m = memoryview(tracking);
  expect(m.length).toBe(8);
  hot(m as View, true);
  ab.resize(64);
  expect(tracking.length).toBe(32);
  expect(m.length).toBe(8);
  expect(errorOf(() => m.get(8))).toEqual({ name: 'IndexError', code: 'ERR_MEMVIEW_INDEX' });
  expect(errorOf(() => m.set(8, 1))).toEqual({ name: 'IndexError', code: 'ERR_MEMVIEW_INDEX' });
  expect(tracking[8]).toBe(0);
});

test('a view of a Buffer reads and writes the Buffer, and only its bytes', () => {
  const buf = Buffer.from('abc'); // pooled: its neighbours belong to other Buffers
  const m = memoryview(buf) as View;
  hot(m, true);
  m.set(0, 0x41);
  expect(buf.toString('latin1', 0, 1)).toBe('A');
  expect(errorOf(() => m.get(3))).toEqual({ name: 'IndexError', code: 'ERR_MEMVIEW_INDEX' });
  expect(errorOf(() => m.set(3, 1))).toEqual({ name: 'IndexError', code: 'ERR_MEMVIEW_INDEX' });
  expect(m.get(-1)).toBe(buf[2]);
});

test('a cast made over memory that is gone reads nothing, and reads again when it comes back', () => {
  const ab = new ArrayBuffer(32);
  const bytes = memoryview(ab);
  structuredClone(ab, { transfer: [ab] });
  const d = bytes.cast('d') as View;
  expect(errorOf(() => d.get(0))).toEqual({ name: 'ValueError', code: 'ERR_MEMVIEW_DETACHED' });
  expect(errorOf(() => d.set(0, 1))).toEqual({ name: 'ValueError', code: 'ERR_MEMVIEW_DETACHED' });

  const rab = new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void })(32, { maxByteLength: 64 });
  if (typeof (rab as { resize?: unknown }).resize !== 'function') return;
  const view = memoryview(rab);
  rab.resize(8);
  const shrunk = view.cast('>d') as View; // its fast fields cannot be made now
  expect(errorOf(() => shrunk.get(3))).toEqual({ name: 'ValueError', code: 'ERR_MEMVIEW_DETACHED' });
  rab.resize(32);
  shrunk.set(3, 2.5);
  hot(shrunk, true);
  shrunk.set(3, 2.5);
  expect(new DataView(rab).getFloat64(24, false)).toBe(2.5);
  expect(shrunk.get(3)).toBe(2.5);
});
