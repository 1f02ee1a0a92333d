// Bad inputs to MemoryView: each gets the right class AND code (API.md section 7) and changes
// nothing. The failing cases of CPython's test_memoryview.py / test_buffer.py come from
// test/fixtures/memoryview.json (scripts/fixtures/memoryview_fixtures.py, python3): the class is
// CPython's (or the contract's, where the fixture says "why": "contract: ..."), the code is
// section 7's for the situation (a list where the contract admits more than one reading).
// Released, readonly, detached / transferred / shrunk memory and pooled Buffers follow the
// contract's own words.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BufferError, IndexError, MemoryView, NotImplementedError, OverflowError, ValueError, memoryview } from '../lib';
import { Int, Json, MV, Spec, applyOp, asView, fixtureBuilders, hexOf, inputs, int, mv, sl } from './support/fixture-views';

interface Outcome {
  error?: string | string[];
  code?: string | string[];
  why?: string;
}
interface Fixtures {
  sources: Record<string, string>;
  opErrors: { name: string; spec: Spec; expect: Outcome & { error: string | string[]; code: string | string[] } }[];
  setitem: (Outcome & { format: string; prefill: string; index: number; value: Json })[];
  setND: (Outcome & { name: string; spec: Spec; index: Int | Int[]; value: Json })[];
  assign: (Outcome & { name: string; dst: Spec; src: Spec & { self: boolean } })[];
  hex: (Outcome & { name: string; spec: Spec; args: (string | number)[] })[];
}

const fx = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'memoryview.json'), 'utf8')) as Fixtures;
const { sourceBytes, build } = fixtureBuilders(fx.sources);

const CLASSES: Record<string, abstract new (...args: never[]) => Error> = {
  TypeError,
  ValueError,
  IndexError,
  NotImplementedError,
  OverflowError,
  BufferError,
};

const TYPE = 'ERR_MEMVIEW_TYPE';
const VALUE = 'ERR_MEMVIEW_VALUE';
const INDEX = 'ERR_MEMVIEW_INDEX';
const SHAPE = 'ERR_MEMVIEW_SHAPE';
const FORMAT = 'ERR_MEMVIEW_FORMAT';
const CONTIGUITY = 'ERR_MEMVIEW_CONTIGUITY';
const READONLY = 'ERR_MEMVIEW_READONLY';
const RELEASED = 'ERR_MEMVIEW_RELEASED';
const DETACHED = 'ERR_MEMVIEW_DETACHED';
const NOT_IMPLEMENTED = 'ERR_MEMVIEW_NOT_IMPLEMENTED';
/** More indices than dimensions, or indexing a 0-d view: CPython's TypeError; section 7 could say either. */
const TOO_MANY = [TYPE, INDEX, SHAPE];

/** fn must throw one of `cls` with one of `code`. */
function expectError(fn: () => unknown, cls: string | string[], code: string | string[]): void {
  let threw = false;
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    threw = true;
    caught = error;
  }
  const classes = Array.isArray(cls) ? cls : [cls];
  const codes = Array.isArray(code) ? code : [code];
  const wanted = `${classes.join('|')} [${codes.join('|')}]`;
  if (!threw) throw new Error(`expected ${wanted}; nothing was thrown`);
  const e = caught as { name?: unknown; message?: unknown; code?: unknown };
  const got = `${String(e?.name)}: ${String(e?.message)} [${String(e?.code)}]`;
  expect(classes.some((c) => caught instanceof CLASSES[c]) ? wanted : got).toBe(wanted);
  expect(codes.includes(e.code as string) ? wanted : got).toBe(wanted);
}

// ---------------------------------------------------------------------------------------------

describe('unsupported sources are a TypeError', () => {
  test.each([
    ['a number', 5],
    ['a string', 'abc'],
    ['a JS array', [1, 2]],
    ['null', null],
    ['undefined', undefined],
    ['a plain object', {}],
    ['a boolean', true],
    ['a bigint', 5n],
    ['a Map', new Map()],
    ['a function', () => 0],
    ['a share()-looking object without a buffer', { byteOffset: 0, format: 'B', shape: [1], strides: [1], readonly: false }],
    ['a buffer protocol returning a non-view', { [Symbol.for('memview.buffer')]: () => new Uint8Array(3) }],
  ])('memoryview(%s)', (_name, source) => {
    expectError(() => memoryview(source as never), 'TypeError', TYPE);
    expectError(() => new MemoryView(source as never), 'TypeError', TYPE);
  });
});

describe('get / cast failures (fixture: opErrors)', () => {
  test.each(fx.opErrors.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const u8 = sourceBytes(c.spec.src);
    let v = mv(u8);
    const ops = c.spec.ops;
    for (const op of ops.slice(0, -1)) v = asView(applyOp(v, op));
    expectError(() => applyOp(v, ops[ops.length - 1]), c.expect.error, c.expect.code);
    expect(hexOf(u8)).toBe(fx.sources[c.spec.src]);
  });
});

describe('index types (section 2: integers as numbers or bigints, nothing else)', () => {
  const m = mv(Buffer.from('abcdef'));
  const m2 = mv(new Uint8Array(12)).cast('B', [3, 4]);
  test.each([
    ['null', null],
    ['a string', 'a'],
    ['a numeric string', '0'],
    ['a fraction', 0.5],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['true', true],
    ['an object', {}],
    ['an array', [0]],
    ['a symbol', Symbol('i')],
  ])('get(%s) is a TypeError', (_name, index) => {
    expectError(() => m.get(index), 'TypeError', TYPE);
    expectError(() => m2.get(0, index), 'TypeError', TYPE);
    expectError(() => m2.get(index, sl()), 'TypeError', TYPE);
    // a slice bound: rejected by slice() or by get(), either way a TypeError
    if (index !== null) expectError(() => m.get(sl(index)), 'TypeError', TYPE);
    if (index !== null) expectError(() => m.get(sl(0, 6, index)), 'TypeError', TYPE);
  });

  test('get([1, 1]) on a 2-D view is a TypeError (indices go to get as separate arguments)', () => {
    expectError(() => m2.get([1, 1]), 'TypeError', TYPE);
  });

  test('a huge integer index is out of range, never a crash', () => {
    for (const i of [2 ** 53, -(2 ** 53), Number.MAX_VALUE, 2n ** 100n, -(2n ** 100n)]) {
      let caught: unknown;
      try {
        m.get(i);
      } catch (error) {
        caught = error;
      }
      expect(caught instanceof IndexError || caught instanceof TypeError).toBe(true);
    }
    expectError(() => m.get(2n ** 64n), 'IndexError', INDEX);
  });

  test("CPython's message names the dimension", () => {
    expect(() => m2.get(3, 0)).toThrow('index out of bounds on dimension 1');
    expect(() => m2.get(0, -5)).toThrow('index out of bounds on dimension 2');
  });
});

describe('cast argument types', () => {
  const m = mv(new Uint8Array(6));
  test.each([
    ['no format', () => m.cast()],
    ['a number format', () => m.cast(5)],
    ['an object format', () => m.cast({})],
    ['null format', () => m.cast(null)],
    ['an object shape', () => m.cast('B', {})],
    ['a string shape', () => m.cast('B', '6')],
    ['a number shape', () => m.cast('B', 6)],
  ])('%s is a TypeError', (_name, fn) => {
    // a wrong argument type; section 7 also fits FORMAT (for the format) and SHAPE (for the shape)
    expectError(fn, 'TypeError', [TYPE, _name.includes('shape') ? SHAPE : FORMAT]);
  });
  test.each([
    ['a fraction', 1.5],
    ['a string', 'x'],
    ['null', null],
    ['true (JS rule: booleans are not numbers)', true],
    ['NaN', NaN],
  ])('a shape entry that is %s is a TypeError', (_name, entry) => {
    expectError(() => m.cast('B', [2, entry]), 'TypeError', [TYPE, SHAPE]);
  });
  test('shape entries may be bigints', () => {
    expect([...m.cast('B', [2n, 3n]).shape]).toEqual([2, 3]);
  });
});

// ---------------------------------------------------------------------------------------------
// Writes that fail change nothing
// ---------------------------------------------------------------------------------------------

describe('set(i, value) rejections for every format (fixture: setitem)', () => {
  const bad = fx.setitem.filter((c) => c.error !== undefined);
  test.each(bad.map((c) => [`${c.format} <- ${JSON.stringify(c.value)}${c.why ? ` (${c.why})` : ''}`, c] as const))('%s', (_name, c) => {
    for (const value of inputs(c.value)) {
      const u8 = new Uint8Array(Buffer.from(c.prefill, 'hex'));
      const m = mv(u8).cast(c.format);
      expectError(() => m.set(c.index, value), c.error as string, c.code as string);
      expect(hexOf(u8)).toBe(c.prefill);
    }
  });

  test('numbers outside the safe-integer range are rejected by integer formats (JS rule)', () => {
    for (const format of ['q', 'Q', 'l', 'L', 'n', 'N', 'P', 'b', 'i']) {
      const u8 = new Uint8Array(16);
      const m = mv(u8).cast(format);
      for (const value of [2 ** 53, -(2 ** 53), 2 ** 64, 1e300]) {
        let caught: unknown;
        try {
          m.set(0, value);
        } catch (error) {
          caught = error;
        }
        expect(caught instanceof TypeError || caught instanceof ValueError).toBe(true);
        expect(hexOf(u8)).toBe('00'.repeat(16));
      }
    }
  });

  test("'c' takes only a Uint8Array/Buffer of length 1", () => {
    const u8 = Uint8Array.of(97, 98);
    const m = mv(u8).cast('c');
    expectError(() => m.set(0, 'x'), 'TypeError', TYPE);
    expectError(() => m.set(0, [120]), 'TypeError', TYPE);
    expectError(() => m.set(0, new Uint16Array(1)), 'TypeError', TYPE);
    expectError(() => m.set(0, new Uint8Array(2)), 'ValueError', VALUE);
    expect(hexOf(u8)).toBe('6162');
  });
});

describe('gh-92888 (test_use_released_memory): conversions never run user code', () => {
  // CPython calls __index__ / __float__ / __bool__, which may release the view mid-operation.
  // Here an object is not an index nor a number (section 1 and 2): refused before any call.
  test.each(['b', 'B', 'h', 'H', 'i', 'I', 'l', 'L', 'q', 'Q', 'n', 'N', 'f', 'd', 'e', 'c'])('format %s', (format) => {
    const u8 = new Uint8Array(16).fill(0xff);
    const m = mv(u8).cast(format);
    let calls = 0;
    const sneaky = {
      valueOf() {
        calls++;
        m.release();
        return 1;
      },
      [Symbol.toPrimitive]() {
        calls++;
        m.release();
        return 1;
      },
    };
    expectError(() => m.get(sneaky), 'TypeError', TYPE);
    expectError(() => m.set(sneaky, 0), 'TypeError', TYPE);
    expectError(() => m.set(0, sneaky), 'TypeError', TYPE);
    expectError(() => m.get(sl(sneaky)), 'TypeError', TYPE);
    expect(calls).toBe(0);
    expect(m.nbytes).toBe(16); // still alive
    expect(hexOf(u8)).toBe('ff'.repeat(16));
  });

  test("'?' takes any value by truthiness, without calling it", () => {
    const u8 = new Uint8Array(2);
    const m = mv(u8).cast('?');
    let calls = 0;
    m.set(0, {
      valueOf() {
        calls++;
        return 0;
      },
    });
    expect(calls).toBe(0);
    expect(m.get(0)).toBe(true);
  });
});

describe('set with n-D / 0-d / strided views (fixture: setND, rejected)', () => {
  const bad = fx.setND.filter((c) => c.error !== undefined);
  test.each(bad.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    for (const value of inputs(c.value)) {
      const u8 = sourceBytes(c.spec.src);
      const v = asView(build(c.spec, u8));
      const index = Array.isArray(c.index) ? c.index.map(int) : int(c.index);
      expectError(() => v.set(index, value), c.error as string, c.code as string);
      expect(hexOf(u8)).toBe(fx.sources[c.spec.src]);
    }
  });

  test('index types for set: anything but an integer or an array of integers is a TypeError', () => {
    const u8 = Uint8Array.of(1, 2, 3, 4);
    const m = mv(u8);
    for (const index of [0.5, NaN, '0', null, true, {}, [0.5], [[0]], ['0'], sl(0, 1), sl()]) {
      expectError(() => m.set(index, 9), 'TypeError', TYPE);
    }
    expect(hexOf(u8)).toBe('01020304');
  });
});

describe('assign rejections (fixture: assign) and structure mismatches', () => {
  const bad = fx.assign.filter((c) => c.error !== undefined);
  test.each(bad.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const u8 = sourceBytes(c.dst.src);
    const before = hexOf(u8);
    // get() itself may raise (a zero step); otherwise assign raises
    expectError(
      () => {
        const dst = asView(build(c.dst, u8));
        const src = c.src.self ? build(c.src, u8) : build(c.src);
        dst.assign(src);
      },
      c.error as string,
      c.code as string,
    );
    expect(hexOf(u8)).toBe(before);
  });

  test('test_setitem_writable: resizing attempts', () => {
    const u8 = Uint8Array.from(Buffer.from('abcdef'));
    const m = mv(u8);
    expectError(() => m.set(0, Buffer.from('')), 'TypeError', TYPE);
    expectError(() => m.set(0, Buffer.from('ab')), 'TypeError', TYPE);
    expectError(() => asView(m.get(sl(1, 1))).assign(Buffer.from('a')), 'ValueError', SHAPE);
    expectError(() => asView(m.get(sl(0, 2))).assign(Buffer.from('a')), 'ValueError', SHAPE);
    const c = m.cast('c');
    expectError(() => c.set(0, Buffer.from('')), 'ValueError', VALUE);
    expectError(() => c.set(0, Buffer.from('ab')), 'ValueError', VALUE);
    expect(Buffer.from(u8).toString()).toBe('abcdef');
  });

  test('formats must describe the same items (contract: after resolving @ and =)', () => {
    const u8 = Uint8Array.of(1, 2, 3, 4);
    const m = mv(u8);
    expectError(() => m.assign(Int8Array.of(1, 2, 3, 4)), 'ValueError', [SHAPE, FORMAT]);
    expectError(() => m.cast('h').assign(Uint16Array.of(1, 2)), 'ValueError', [SHAPE, FORMAT]);
    expectError(() => m.cast('<H').assign(mv(Uint8Array.of(0, 1, 0, 2)).cast('>H')), 'ValueError', [SHAPE, FORMAT]);
    expectError(() => m.cast('B', [2, 2]).assign(Uint8Array.of(9, 9, 9, 9)), 'ValueError', SHAPE);
    expectError(() => m.assign(Uint8Array.of(9, 9, 9)), 'ValueError', SHAPE);
    expect(hexOf(u8)).toBe('01020304');
    // the same items: 'B' and '@B', '<H' and '=H' on a little-endian machine
    m.cast('@B').assign(Uint8Array.of(5, 6, 7, 8));
    expect(hexOf(u8)).toBe('05060708');
    if (os.endianness() === 'LE') {
      m.cast('<H').assign(mv(Uint8Array.of(1, 0, 2, 0)).cast('=H'));
      expect(hexOf(u8)).toBe('01000200');
    }
  });

  test('the source must be a buffer source, not a JS array or a string (as CPython)', () => {
    const u8 = Uint8Array.of(1, 2, 3);
    const m = mv(u8);
    for (const source of [[9, 9, 9], 'abc', 5, null, undefined, {}]) {
      expectError(() => m.assign(source), 'TypeError', TYPE);
    }
    expect(hexOf(u8)).toBe('010203');
  });
});

describe('hex / toBytes argument errors', () => {
  const bad = fx.hex.filter((c) => c.error !== undefined);
  test.each(bad.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const v = asView(build(c.spec));
    const [sep, n] = c.args;
    expectError(() => (c.args.length === 1 ? v.hex(sep) : v.hex(sep, n)), c.error as string, c.code as string);
  });

  test('wrong argument types', () => {
    const m = mv(Buffer.from('abc'));
    expectError(() => m.hex(5), 'TypeError', TYPE);
    expectError(() => m.hex(':', 1.5), 'TypeError', TYPE);
    expectError(() => m.hex(':', 'a'), 'TypeError', TYPE);
    expectError(() => m.toBytes('X'), 'ValueError', VALUE);
    expectError(() => m.toBytes('c'), 'ValueError', VALUE);
  });
});

describe('count / index / length / iteration by dimension', () => {
  test('index of an absent value is a ValueError', () => {
    const m = mv(Uint8Array.of(1, 2, 3));
    expectError(() => m.index(4), 'ValueError', VALUE);
    expectError(() => m.index(1, 1), 'ValueError', VALUE);
    expectError(() => m.index(3, 0, 2), 'ValueError', VALUE);
  });

  test('count and index are 1-D only (NotImplementedError for n-D, as CPython)', () => {
    const m = mv(new Uint8Array(6)).cast('B', [2, 3]);
    expectError(() => m.count(0), 'NotImplementedError', NOT_IMPLEMENTED);
    expectError(() => m.index(0), 'NotImplementedError', NOT_IMPLEMENTED);
  });

  test('a 0-d view has no length, cannot be iterated nor counted (3.12+)', () => {
    const m = mv(new Float64Array(1)).cast('B').cast('d', []);
    expectError(() => m.length, 'TypeError', TOO_MANY);
    expectError(() => [...m], 'TypeError', TOO_MANY);
    expectError(() => m.count(0), 'TypeError', TOO_MANY);
  });
});

// ---------------------------------------------------------------------------------------------
// Released views (test_memoryview._check_released, test_buffer.test_memoryview_check_released)
// ---------------------------------------------------------------------------------------------

function memoryOps(v: MV, other: MV): [string, () => unknown][] {
  return [
    ['get(0)', () => v.get(0)],
    ['get(slice)', () => asView(v.get(sl(1))).toList()],
    ['set(0, 1)', () => v.set(0, 1)],
    ['toList()', () => v.toList()],
    ['toBytes()', () => v.toBytes()],
    ["toBytes('F')", () => v.toBytes('F')],
    ['hex()', () => v.hex()],
    ['count(1)', () => v.count(1)],
    ['index(1)', () => v.index(1)],
    ['assign(other)', () => v.assign(other)],
    ['other.assign(v)', () => other.assign(v)],
    ['iteration', () => [...v]],
    ['toTypedArray()', () => v.toTypedArray()],
    ['toJSON()', () => v.toJSON()],
    ['JSON.stringify', () => JSON.stringify(v)],
  ];
}

describe('released views', () => {
  function released(): { m: MV; u8: Uint8Array; other: MV } {
    const u8 = Uint8Array.of(1, 2, 3, 4);
    const m = mv(u8);
    m.release();
    return { m, u8, other: mv(Uint8Array.of(1, 2, 3, 4)) };
  }

  test('every operation on memory or metadata is a ValueError ERR_MEMVIEW_RELEASED', () => {
    const { m, u8, other } = released();
    const ops: [string, () => unknown][] = [
      ...memoryOps(m, other),
      ["cast('B')", () => m.cast('B')],
      ['toReadonly()', () => m.toReadonly()],
      ['memoryview(m)', () => memoryview(m as never)],
      ...(['obj', 'nbytes', 'readonly', 'itemsize', 'format', 'ndim', 'shape', 'strides', 'suboffsets', 'cContiguous', 'fContiguous', 'contiguous', 'length'] as const).map(
        (p): [string, () => unknown] => [p, () => m[p]],
      ),
    ];
    for (const [name, op] of ops) {
      try {
        expectError(op, 'ValueError', RELEASED);
      } catch (error) {
        throw new Error(`${name}: ${(error as Error).message}`);
      }
    }
    expect(hexOf(u8)).toBe('01020304');
    expect(() => m.toList()).toThrow(/released/);
  });

  test('release() and [Symbol.dispose]() again do nothing; a released view equals only itself', () => {
    const { m, u8, other } = released();
    expect(() => m.release()).not.toThrow();
    expect(() => m[Symbol.dispose]()).not.toThrow();
    expect(m.equals(m)).toBe(true);
    expect(m.equals(other)).toBe(false);
    expect(other.equals(m)).toBe(false);
    expect(m.equals(u8)).toBe(false);
    expect(String(m)).toMatch(/released/);
  });

  test('releasing one view never invalidates another over the same source', () => {
    const u8 = Uint8Array.of(1, 2, 3, 4);
    const m = mv(u8);
    const s = asView(m.get(sl(1)));
    const c = m.cast('B', [2, 2]);
    const ro = m.toReadonly();
    const again = mv(m);
    const fresh = mv(u8);
    m.release();
    expect(s.toList()).toEqual([2, 3, 4]);
    expect(c.toList()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(ro.toList()).toEqual([1, 2, 3, 4]);
    expect(again.toList()).toEqual([1, 2, 3, 4]);
    s.release();
    expect(fresh.toList()).toEqual([1, 2, 3, 4]);
  });
});

// ---------------------------------------------------------------------------------------------
// Readonly views
// ---------------------------------------------------------------------------------------------

describe('readonly views', () => {
  test('writes are a TypeError ERR_MEMVIEW_READONLY, checked before the index and the value', () => {
    const u8 = Uint8Array.of(1, 2, 3, 4);
    const ro = mv(u8).toReadonly();
    expectError(() => ro.set(0, 9), 'TypeError', READONLY);
    expectError(() => ro.set(100, 9), 'TypeError', READONLY);
    expectError(() => ro.set(0, 'x'), 'TypeError', READONLY);
    expectError(() => ro.assign(Uint8Array.of(9, 9, 9, 9)), 'TypeError', READONLY);
    expectError(() => asView(ro.get(sl(0, 2))).assign(Uint8Array.of(9, 9)), 'TypeError', READONLY);
    expectError(() => ro.cast('B', [2, 2]).set([0, 0], 9), 'TypeError', READONLY);
    expectError(() => mv(ro).set(0, 9), 'TypeError', READONLY);
    expectError(() => ro.toTypedArray(), 'TypeError', [READONLY, TYPE]);
    expect(hexOf(u8)).toBe('01020304');
  });

  test('what derives from a readonly view is readonly; the source view stays writable', () => {
    const u8 = Uint8Array.of(1, 2, 3, 4);
    const m = mv(u8);
    const ro = m.toReadonly();
    for (const v of [asView(ro.get(sl(1))), ro.cast('B', [2, 2]), mv(ro), ro.toReadonly(), asView(ro.get())]) {
      expect(v.readonly).toBe(true);
    }
    expect(m.readonly).toBe(false);
    m.set(0, 7);
    expect(ro.get(0)).toBe(7);
    // a readonly view is a fine source to copy from
    mv(new Uint8Array(4)).assign(ro);
  });

  test('a readonly share() descriptor gives a readonly view', () => {
    const sab = new SharedArrayBuffer(4);
    const d = { ...mv(sab).share(), readonly: true };
    const ro = mv(d);
    expect(ro.readonly).toBe(true);
    expectError(() => ro.set(0, 1), 'TypeError', READONLY);
  });
});

// ---------------------------------------------------------------------------------------------
// Detached, transferred, shrunk memory (section 3 and 7)
// ---------------------------------------------------------------------------------------------

type Resizable = ArrayBuffer & { resize(n: number): void };
const resizable = (n: number, max: number): Resizable =>
  new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => Resizable)(n, { maxByteLength: max });

function metadata(v: MV): unknown {
  return {
    format: v.format,
    itemsize: v.itemsize,
    ndim: v.ndim,
    shape: [...v.shape],
    strides: [...v.strides],
    nbytes: v.nbytes,
    readonly: v.readonly,
    length: v.length,
    suboffsets: [...v.suboffsets],
    c: v.cContiguous,
    f: v.fContiguous,
    any: v.contiguous,
  };
}

function expectDead(v: MV, other: MV): void {
  const ops: [string, () => unknown][] = [...memoryOps(v, other), ['equals(other)', () => v.equals(other)], ['other.equals(v)', () => other.equals(v)]];
  for (const [name, op] of ops) {
    try {
      expectError(op, 'ValueError', DETACHED);
    } catch (error) {
      throw new Error(`${name}: ${(error as Error).message}`);
    }
  }
}

describe('memory that went away: every memory access is a ValueError ERR_MEMVIEW_DETACHED', () => {
  test('an ArrayBuffer detached by structuredClone(..., {transfer})', () => {
    const ab = new ArrayBuffer(8);
    new Uint8Array(ab).set([1, 2, 3, 4, 5, 6, 7, 8]);
    const m = mv(ab);
    const sliced = asView(m.get(sl(null, null, 2)));
    const cast = m.cast('h', [2, 2]);
    const before = metadata(m);
    const moved = structuredClone(ab, { transfer: [ab] });
    expect(ab.byteLength).toBe(0);
    expectDead(m, mv(new Uint8Array(8)));
    expect(metadata(m)).toEqual(before);
    expectDead(sliced, mv(new Uint8Array(4)));
    expectError(() => cast.toList(), 'ValueError', DETACHED);
    expectError(() => cast.get(0, 0), 'ValueError', DETACHED);
    expectError(() => cast.set([0, 0], 1), 'ValueError', DETACHED);
    // deriving from a dead view either fails the same way or gives a view that is just as dead
    let derived: MV | undefined;
    try {
      derived = asView(m.get(sl(1)));
    } catch (error) {
      expect((error as { code?: unknown }).code).toBe(DETACHED);
    }
    if (derived) expectError(() => derived.toList(), 'ValueError', DETACHED);
    // the memory moved on, untouched
    expect([...new Uint8Array(moved)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  test('a typed array whose buffer was transferred', () => {
    const ta = Int16Array.of(1, 2, 3, 4);
    const m = mv(ta);
    structuredClone(ta.buffer, { transfer: [ta.buffer] });
    expectDead(m, mv(new Int16Array(4)));
    expect(m.format).toBe('h');
    expect(m.nbytes).toBe(8);
  });

  const transfer = (ArrayBuffer.prototype as unknown as { transfer?: unknown }).transfer;
  (typeof transfer === 'function' ? test : test.skip)('ArrayBuffer.prototype.transfer', () => {
    const ab = new ArrayBuffer(8);
    const m = mv(ab);
    (ab as unknown as { transfer(): ArrayBuffer }).transfer();
    expectDead(m, mv(new Uint8Array(8)));
    expect(m.nbytes).toBe(8);
  });

  test('a resizable ArrayBuffer that shrank, then grew back', () => {
    const rab = resizable(16, 64);
    new Uint8Array(rab).set(Array.from({ length: 16 }, (_, i) => i + 1));
    const m = mv(rab);
    const tail = mv(new Uint8Array(rab, 4, 4));
    const tracking = mv(new Uint8Array(rab)); // length-tracking: its length is taken once
    const before = metadata(m);
    rab.resize(8);
    expectDead(m, mv(new Uint8Array(16)));
    expect(metadata(m)).toEqual(before);
    expect(tail.toList()).toEqual([5, 6, 7, 8]); // still inside the buffer
    rab.resize(6);
    expectDead(tail, mv(new Uint8Array(4)));
    rab.resize(16); // grown back: usable again, the regrown bytes are zero (JS resize)
    expect(m.toList()).toEqual([1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(tail.toList()).toEqual([5, 6, 0, 0]);
    m.set(15, 99);
    expect(new Uint8Array(rab)[15]).toBe(99);
    rab.resize(64); // a view never tracks growth
    expect(m.nbytes).toBe(16);
    expect(tracking.nbytes).toBe(16);
    expect((m.toList() as number[]).length).toBe(16);
  });
});

describe('pooled Buffers never reach their neighbours', () => {
  test("Buffer.from('abc')", () => {
    const before = Buffer.from('<<<');
    const b = Buffer.from('abc');
    const after = Buffer.from('>>>');
    expect(b.buffer.byteLength).toBeGreaterThan(3); // really pooled
    expect(before.buffer).toBe(b.buffer); // with neighbours in the same pool
    expect(after.buffer).toBe(b.buffer);
    const m = mv(b);
    expect(m.nbytes).toBe(3);
    expect([...m.shape]).toEqual([3]);
    expect(m.toBytes().toString()).toBe('abc');
    expect(m.hex()).toBe(Buffer.from('abc').toString('hex'));
    expect(m.toList()).toEqual([...Buffer.from('abc')]);
    expect(asView(m.get(sl(null, null, -1))).toBytes().toString()).toBe('cba');
    expectError(() => m.get(3), 'IndexError', INDEX);
    expectError(() => m.set(3, 0), 'IndexError', INDEX);
    expectError(() => m.cast('B', [4]), 'TypeError', SHAPE);
    expectError(() => m.cast('h'), 'TypeError', SHAPE);
    expect(asView(m.get(sl(0, 100))).nbytes).toBe(3);
    m.set(2, 0x64);
    expect(b.toString()).toBe('abd');
    m.assign(Buffer.from('xyz'));
    expect(b.toString()).toBe('xyz');
    expect(before.toString()).toBe('<<<');
    expect(after.toString()).toBe('>>>');
  });

  test('a subarray of a pooled Buffer', () => {
    const b = Buffer.from('abcdefgh').subarray(2, 5);
    const m = mv(b);
    expect(m.nbytes).toBe(3);
    expect(m.toBytes().toString()).toBe('cde');
    expect(m.cast('c').toList()).toEqual([Buffer.from('c'), Buffer.from('d'), Buffer.from('e')]);
  });
});

describe('toTypedArray and share refusals', () => {
  test('toTypedArray is a TypeError where no typed array can show the view', () => {
    const ab = new ArrayBuffer(16);
    const m = mv(ab);
    expectError(() => asView(m.cast('h').get(sl(null, null, 2))).toTypedArray(), 'TypeError', [CONTIGUITY, TYPE]);
    expectError(() => asView(m.cast('h').get(sl(null, null, -1))).toTypedArray(), 'TypeError', [CONTIGUITY, TYPE]);
    expectError(() => m.cast('>H').toTypedArray(), 'TypeError', [FORMAT, TYPE]);
    expectError(() => mv(new ArrayBuffer(14)).cast('<iHd').toTypedArray(), 'TypeError', [FORMAT, TYPE]);
    expectError(() => mv(new Uint8Array(ab, 1, 8)).cast('h').toTypedArray(), 'TypeError', [TYPE, FORMAT, CONTIGUITY]);
  });

  test('share() needs a SharedArrayBuffer; a descriptor must lie inside its buffer', () => {
    expectError(() => mv(new ArrayBuffer(4)).share(), 'TypeError', TYPE);
    const sab = new SharedArrayBuffer(8);
    const d = mv(sab).share();
    expectError(() => memoryview({ ...d, shape: [9] } as never), 'ValueError', [VALUE, SHAPE, DETACHED]);
    expectError(() => memoryview({ ...d, byteOffset: 4, shape: [5] } as never), 'ValueError', [VALUE, SHAPE, DETACHED]);
    expectError(() => memoryview({ ...d, format: 'd', shape: [2], strides: [8] } as never), 'ValueError', [VALUE, SHAPE, DETACHED]);
  });
});
