// Array (API.md §4): CPython's array.array behaviour from fixtures
// (scripts/fixtures/array_fixtures.py → test/fixtures/array.json), then what
// the fixtures cannot express: JS rules, export locking, file I/O, memory.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as util from 'node:util';
import { Array as MvArray, MemoryView, BufferError, EOFError, IndexError, MemoryError, OverflowError, PyArray, Slice, ValueError, array, memoryview, slice } from '../lib';
import { kExport } from '../lib/exporter';
import { pyBytesRepr, pyFloatRepr, pyList, pyStrRepr } from '../lib/pyrepr';

type Encoded = unknown;

// Errors thrown by native code are the main realm's TypeError, not jest's sandbox one: match by name.
function named(name: string): Error {
  return expect.objectContaining({ name }) as Error;
}
interface Case {
  group: string;
  tc: string;
  init: Encoded[];
  op: string;
  args: Encoded[];
  result: Encoded;
  after: Encoded[] | null;
  afterBytes: string | null;
  repr: string | null;
  export: boolean;
}

const fixtures = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'array.json'), 'utf8')) as { cases: Case[] };

function decode(v: Encoded): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (globalThis.Array.isArray(v)) return v.map(decode);
  const o = v as Record<string, unknown>;
  if ('n' in o) return BigInt(o.n as string);
  if ('f' in o) return ({ nan: NaN, inf: Infinity, '-inf': -Infinity, '-0.0': -0 } as Record<string, number>)[o.f as string];
  if ('bytes' in o) return Buffer.from(o.bytes as string, 'hex');
  if ('array' in o) return array(o.array as string, decode(o.items) as never);
  if ('slice' in o) {
    const [a, b, c] = o.slice as (number | null)[];
    return slice(a, b, c);
  }
  if ('tuple' in o) return { tuple: decode(o.tuple) }; // not a JS array: fromList refuses it
  throw new Error(`cannot decode ${JSON.stringify(v)}`);
}

/** A result as the fixtures encode it (after decoding): Arrays as {array, items}, Buffers as hex. */
function normalize(v: unknown): unknown {
  if (v === undefined) return null;
  if (v instanceof MvArray) return { array: v.typecode, items: v.toList() };
  if (Buffer.isBuffer(v)) return { bytes: v.toString('hex') };
  return v;
}

function expected(v: Encoded): unknown {
  if (v !== null && typeof v === 'object' && !globalThis.Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if ('array' in o) return { array: o.array, items: decode(o.items) };
    if ('bytes' in o) return { bytes: o.bytes };
  }
  return decode(v);
}

// Messages memview words exactly as CPython (value-conversion messages are values.ts's own).
const SAME_MESSAGES = [
  /^attempt to assign array of size \d+ to extended slice of size \d+$/,
  /^array index out of range$/,
  /^array assignment index out of range$/,
  /^array\.(index|remove)\(x\): x not in array$/,
  /^pop (index out of range|from empty array)$/,
  /^bad argument type for built-in operation$/,
  /^can only extend with array of same kind$/,
  /^a bytes-like object is required, not 'str'$/,
  /^arg must be list$/,
  /^fromunicode\(\) argument must be str, not int$/,
  /^(from|to)unicode\(\) may only be called on unicode type arrays$/,
  /^can only append array \(not "list"\) to array$/,
  /^can't multiply sequence by non-int of type 'float'$/,
  /^bytes length not a multiple of item size$/,
  /^'<' not supported between instances of /,
  /^'int' object is not iterable$/,
];

function run(a: MvArray, op: string, args: unknown[]): unknown {
  if (op === 'length') return a.length;
  const method = (a as unknown as Record<string, (...xs: unknown[]) => unknown>)[op];
  return method.apply(a, args);
}

function runCase(c: Case): void {
  const a = array(c.tc, decode(c.init) as never);
  const before = a.toBytes().toString('hex');
  const args = c.args.map(decode);
  const view = c.export ? memoryview(a) : null;
  let result: unknown;
  let error: Error | undefined;
  try {
    result = run(a, c.op, args);
  } catch (e) {
    error = e as Error;
  }
  view?.release();
  const want = c.result as { error?: string; message?: string };
  if (want !== null && typeof want === 'object' && 'error' in want) {
    expect(error?.name ?? `no error, returned ${String(result)}`).toBe(want.error);
    if (want.error === 'BufferError') expect(error?.message.startsWith(want.message as string)).toBe(true);
    else if (SAME_MESSAGES.some((re) => re.test(want.message as string))) expect(error?.message).toBe(want.message);
    // memview converts every value before writing any: a failed call changes nothing
    // (CPython's extend keeps the items before the bad one).
    expect(a.toBytes().toString('hex')).toBe(before);
    return;
  }
  if (error !== undefined) throw error;
  expect(normalize(result)).toEqual(expected(c.result));
  if (c.afterBytes === null) {
    expect(a.toBytes().toString('hex')).toBe(before);
  } else {
    expect(a.toBytes().toString('hex')).toBe(c.afterBytes);
    if (c.after !== null) expect(a.toList()).toEqual(decode(c.after));
    // API.md §4: u/w characters outside printable ASCII may be escaped differently.
    if (c.repr !== null && !/\\U/.test(c.repr)) expect(a.toString()).toBe(c.repr);
  }
}

function title(c: Case): string {
  const args = JSON.stringify(c.args);
  return `array('${c.tc}', ${JSON.stringify(c.init).slice(0, 60)}).${c.op}(${args.slice(1, -1).slice(0, 80)})${c.export ? ' while exported' : ''}`;
}

describe('CPython fixtures', () => {
  const groups = new Map<string, Case[]>();
  for (const c of fixtures.cases) {
    const key = `${c.group} ${c.tc}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)?.push(c);
  }
  for (const [key, cases] of groups) {
    test(`${key} (${cases.length} cases)`, () => {
      for (const c of cases) {
        try {
          runCase(c);
        } catch (e) {
          (e as Error).message = `${title(c)}\n${(e as Error).message}`;
          throw e;
        }
      }
    });
  }
});

describe('construction', () => {
  test('array() ≡ new Array(), and PyArray is Array', () => {
    expect(PyArray).toBe(MvArray);
    const a = array('h', [1, 2]);
    expect(a).toBeInstanceOf(MvArray);
    expect(new PyArray('h', [1, 2]).equals(a)).toBe(true);
    expect(a.typecode).toBe('h');
    expect(a.itemsize).toBe(2);
  });

  test('typed declarations follow the typecode (checked by tsc)', () => {
    const d = array('d', [1]);
    const x: number = d.get(0);
    const q = array('q', [1n]);
    const y: bigint = q.get(0);
    const list: bigint[] = q.toList();
    const u = array('u', 'a');
    const z: string = u.get(0);
    const sliced: MvArray<string> = u.get(slice());
    const general: MvArray = d; // every Array is an Array
    const items: number[] = [...d];
    expect([x, y, list, z, sliced.length, general.length, items]).toEqual([1, 1n, [1n], 'a', 1, 1, [1]]);
  });

  test('item sizes come from the format table (Linux: l L 8, u 4)', () => {
    const sizes = Object.fromEntries([...'bBuwhHiIlLqQfd'].map((tc) => [tc, array(tc).itemsize]));
    expect(sizes).toEqual({ b: 1, B: 1, u: 4, w: 4, h: 2, H: 2, i: 4, I: 4, l: 8, L: 8, q: 8, Q: 8, f: 4, d: 8 });
  });

  test('bad typecodes', () => {
    expect(() => array('z')).toThrow(ValueError);
    expect(() => array('z')).toThrow('bad typecode (must be b, B, u, w, h, H, i, I, l, L, q, Q, f or d)');
    expect(() => array('bb')).toThrow(TypeError);
    expect(() => array(5 as unknown as string)).toThrow(TypeError);
    expect(() => array('e')).toThrow(ValueError);
  });

  test('initializers: bytes-like are raw bytes, iterables are values, anything else TypeError', () => {
    expect(array('h', Buffer.from([1, 0, 2, 0])).toList()).toEqual([1, 2]);
    expect(array('h', new Uint8Array([1, 0])).toList()).toEqual([1]);
    expect(array('h', new Uint8ClampedArray([1, 0])).toList()).toEqual([1]);
    expect(array('h', new Uint8Array([1, 0, 2, 0]).buffer).toList()).toEqual([1, 2]);
    expect(array('h', new DataView(new Uint8Array([3, 0]).buffer)).toList()).toEqual([3]);
    expect(array('B', new SharedArrayBuffer(2)).toList()).toEqual([0, 0]);
    expect(array('h', new Int16Array([-1, 300])).toList()).toEqual([-1, 300]);
    expect(array('d', new Float32Array([1.5])).toList()).toEqual([1.5]);
    expect(array('q', new BigInt64Array([-5n])).toList()).toEqual([-5n]);
    expect(array('i', array('h', [1, 2])).toList()).toEqual([1, 2]);
    expect(array('d', array('q', [1n, 2n ** 53n])).toList()).toEqual([1, 2 ** 53]);
    expect(array('b', new Set([1, 2])).toList()).toEqual([1, 2]);
    expect(array('d', memoryview(new Float64Array([1, 2]))).toList()).toEqual([1, 2]);
    expect(array('b', (function* () {
      yield 1;
      yield 2;
    })()).toList()).toEqual([1, 2]);
    expect(array('u', 'a😀').toList()).toEqual(['a', '😀']);
    expect(array('w', ['a', '😀']).toUnicode()).toBe('a😀');
    expect(() => array('d', 5 as never)).toThrow(TypeError);
    expect(() => array('d', 5 as never)).toThrow("'int' object is not iterable");
    expect(() => array('d', null as never)).toThrow(TypeError);
    expect(() => array('d', { length: 1 } as never)).toThrow(TypeError);
    expect(() => array('b', 'ab')).toThrow("cannot use a str to initialize an array with typecode 'b'");
    expect(() => array('b', array('u', 'a'))).toThrow("cannot use a unicode array to initialize an array with typecode 'b'");
    expect(() => array('h', Buffer.from([1]))).toThrow('bytes length not a multiple of item size');
    expect(() => array('b', new Int16Array([300]))).toThrow(OverflowError);
    expect(() => array('i', new Float64Array([1.5]))).toThrow(named('TypeError'));
  });
});

describe('values (API.md §1, JS rules)', () => {
  test('booleans are not numbers (TypeError), except when compared', () => {
    expect(() => array('b').append(true as never)).toThrow(TypeError);
    expect(() => array('d', [false] as never)).toThrow(TypeError);
    expect(() => array('q').append(true as never)).toThrow(TypeError);
    expect(array('b', [1, 0, 1]).count(true)).toBe(2);
    expect(array('d', [0]).includes(false)).toBe(true);
    expect(array('q', [1n]).index(true)).toBe(0);
  });

  test('l L q Q read as bigints and take bigints or safe integers', () => {
    const a = array('q', [1, -2n]);
    expect(a.get(0)).toBe(1n);
    a.append(2 ** 53 - 1);
    expect(() => a.append(2 ** 53)).toThrow(TypeError);
    expect(() => a.append(1.5)).toThrow(TypeError);
    expect(() => a.append(2n ** 63n)).toThrow(OverflowError);
    expect(array('Q', [2n ** 64n - 1n]).toList()).toEqual([2n ** 64n - 1n]);
    expect(() => array('L', [-1])).toThrow(OverflowError);
    expect(JSON.stringify(array('Q', [2n ** 64n - 1n]))).toBe('["18446744073709551615"]');
  });

  test('other integers take numbers and bigints, reject fractions, NaN and unsafe numbers', () => {
    const a = array('i');
    a.append(5n);
    expect(a.get(0)).toBe(5);
    expect(() => a.append(NaN)).toThrow(TypeError);
    expect(() => a.append(Infinity)).toThrow(TypeError);
    expect(() => a.append('1' as never)).toThrow(TypeError);
    expect(() => a.append(2 ** 31)).toThrow(OverflowError);
    expect(() => a.append(2n ** 31n)).toThrow(OverflowError);
    expect(a.toList()).toEqual([5]);
  });

  test('floats take numbers and bigints; f rounds to float32 and saturates to ±inf', () => {
    const f = array('f', [0.1, 1e300, 3n]);
    expect(f.toList()).toEqual([Math.fround(0.1), Infinity, 3]);
    expect(f.toString()).toBe("array('f', [0.10000000149011612, inf, 3.0])");
    expect(() => array('d', [10n ** 400n])).toThrow(OverflowError);
    expect(() => array('d', ['1'] as never)).toThrow(TypeError);
  });

  test('u and w take one code point; items beyond U+10FFFF read as ValueError', () => {
    const u = array('u', 'x');
    expect(() => u.append('ab')).toThrow(TypeError);
    expect(() => u.append('')).toThrow(TypeError);
    expect(() => u.append(97 as never)).toThrow(TypeError);
    u.append('\u{10ffff}');
    u.append('\ud800');
    expect(u.toList()).toEqual(['x', '\u{10ffff}', '\ud800']);
    const bad = array('w', Buffer.from([0, 0, 0x11, 0]));
    expect(() => bad.get(0)).toThrow(ValueError);
    expect(() => bad.get(0)).toThrow('character U+110000 is not in range [U+0000; U+10ffff]');
    expect(() => bad.toUnicode()).toThrow(ValueError);
    expect(() => bad.toList()).toThrow(ValueError);
    expect(bad.toBytes()).toEqual(Buffer.from([0, 0, 0x11, 0]));
  });
});

describe('item access', () => {
  test('indices: numbers or bigints that are integers, else TypeError', () => {
    const a = array('b', [1, 2, 3]);
    expect(a.get(-1)).toBe(3);
    expect(a.get(1n)).toBe(2);
    expect(() => a.get(1.5)).toThrow(TypeError);
    expect(() => a.get('1' as unknown as number)).toThrow('array indices must be integers');
    expect(() => a.get(3)).toThrow(IndexError);
    expect(() => a.get(2 ** 40)).toThrow(IndexError);
    expect(() => a.set(-4, 1)).toThrow('array assignment index out of range');
    a.set(-1n, 9);
    expect(a.toList()).toEqual([1, 2, 9]);
    expect(() => a.delete(5)).toThrow(IndexError);
    a.delete(0n);
    expect(a.toList()).toEqual([2, 9]);
  });

  test('slices are Slice objects; get(slice) copies', () => {
    const a = array('i', [0, 1, 2, 3, 4, 5]);
    const s = a.get(slice(1, -1));
    expect(s).toBeInstanceOf(MvArray);
    expect(s.toList()).toEqual([1, 2, 3, 4]);
    s.set(0, 100);
    expect(a.get(1)).toBe(1);
    expect(a.get(new Slice(null, null, -2)).toList()).toEqual([5, 3, 1]);
    expect(a.get(slice(1n, 10n ** 30n)).length).toBe(5);
  });

  test('set(slice) takes any iterable of values (beyond), converting all first', () => {
    const a = array('i', [0, 1, 2, 3]);
    a.set(slice(1, 3), [7, 8, 9]);
    expect(a.toList()).toEqual([0, 7, 8, 9, 3]);
    a.set(slice(null, null, 2), new Int16Array([-1, -2, -3]));
    expect(a.toList()).toEqual([-1, 7, -2, 9, -3]);
    expect(() => a.set(slice(0, 2), [1, 'x'] as never)).toThrow(TypeError);
    expect(() => a.set(slice(0, 2), 5 as unknown as number[])).toThrow(TypeError);
    expect(() => a.set(slice(0, 2), array('h', [1, 2]))).toThrow('bad argument type for built-in operation');
    expect(() => a.set(slice(null, null, 2), [1])).toThrow('attempt to assign array of size 1 to extended slice of size 3');
    expect(a.toList()).toEqual([-1, 7, -2, 9, -3]);
    a.set(slice(), a); // a source that is the array itself
    expect(a.toList()).toEqual([-1, 7, -2, 9, -3]);
    a.set(slice(1, 1), a);
    expect(a.toList()).toEqual([-1, -1, 7, -2, 9, -3, 7, -2, 9, -3]);
    a.set(slice(3, 0), [42]); // stop before start: inserts at start
    expect(a.get(3)).toBe(42);
  });

  test('iteration reads the current length, as CPython', () => {
    const a = array('b', [1, 2, 3]);
    expect([...a]).toEqual([1, 2, 3]);
    const seen: unknown[] = [];
    for (const x of a) {
      seen.push(x);
      if (a.length > 1) a.pop();
    }
    expect(seen).toEqual([1, 2]);
    const it = a[Symbol.iterator]();
    expect(it.next()).toEqual({ value: 1, done: false });
    expect(it.next().done).toBe(true);
    a.append(5);
    expect(it.next().done).toBe(true); // exhausted for good
  });
});

describe('methods beyond the fixtures', () => {
  test('clear (3.13)', () => {
    const a = array('d', [1, 2]);
    a.clear();
    expect(a.length).toBe(0);
    expect(a.toString()).toBe("array('d')");
    a.append(3);
    expect(a.toList()).toEqual([3]);
  });

  test('extend takes a Buffer’s bytes as values, Arrays of the same typecode, views and typed arrays', () => {
    const a = array('h');
    a.extend(Buffer.from([1, 255]));
    expect(a.toList()).toEqual([1, 255]);
    a.extend(new Uint8Array([2]).buffer);
    a.extend(array('h', [-1]));
    a.extend(new Int32Array([7]));
    a.extend(memoryview(new Int8Array([-8, 9])));
    a.extend(memoryview(new Int16Array([0, 1, 2, 3])).get(slice(null, null, -2)));
    a.extend([5n]);
    expect(a.toList()).toEqual([1, 255, 2, -1, 7, -8, 9, 3, 1, 5]);
    a.extend(a);
    expect(a.length).toBe(20);
    expect(() => a.extend(array('i', [1]))).toThrow('can only extend with array of same kind');
    expect(() => a.extend(new Int32Array([1 << 20]))).toThrow(OverflowError);
    expect(() => a.extend(new Float64Array([1]))).toThrow(named('TypeError'));
    expect(() => a.extend(memoryview(new Int32Array([1, 2, 1 << 20])))).toThrow(OverflowError);
    expect(a.length).toBe(20);
    const u = array('u', 'a');
    u.extend('bc');
    u.extend(array('u', 'd'));
    expect(() => u.extend(array('w', 'e'))).toThrow('can only extend with array of same kind');
    expect(u.toUnicode()).toBe('abcd');
  });

  test('extend from detached memory: an empty typed array, a dead view (ValueError)', () => {
    const a = array('i', [1]);
    const ab = new ArrayBuffer(8);
    const typed = new Int32Array(ab);
    const view = memoryview(new Int32Array(new ArrayBuffer(8)));
    structuredClone(ab, { transfer: [ab] });
    a.extend(typed);
    const viewBuffer = (view.obj as Int32Array).buffer as ArrayBuffer;
    structuredClone(viewBuffer, { transfer: [viewBuffer] });
    expect(() => a.extend(view)).toThrow(ValueError);
    expect(a.toList()).toEqual([1]);
  });

  test('fromBytes takes any bytes-like object, an Array or a MemoryView', () => {
    const a = array('H');
    a.fromBytes(new Uint16Array([1, 2]));
    a.fromBytes(new Uint8Array([3, 0]).buffer);
    a.fromBytes(array('B', [4, 0]));
    a.fromBytes(memoryview(Buffer.from([5, 0])));
    a.fromBytes(a);
    expect(a.toList()).toEqual([1, 2, 3, 4, 5, 1, 2, 3, 4, 5]);
    expect(() => a.fromBytes('ab' as never)).toThrow(TypeError);
  });

  test('index(x, start, stop) clamps bounds as CPython; bigint bounds', () => {
    const a = array('i', [1, 2, 3, 1, 2, 3]);
    expect(a.index(1, 1)).toBe(3);
    expect(a.index(3, -1n)).toBe(5);
    expect(() => a.index(1, 1, 3)).toThrow(ValueError);
    expect(() => a.index(1, 1.5)).toThrow(TypeError);
  });

  test('insert clamps; pop and remove', () => {
    const a = array('b', [1, 2]);
    a.insert(-100, 0);
    a.insert(100, 3);
    a.insert(1n, 9);
    expect(a.toList()).toEqual([0, 9, 1, 2, 3]);
    expect(a.pop()).toBe(3);
    expect(a.pop(0)).toBe(0);
    a.remove(1);
    expect(a.toList()).toEqual([9, 2]);
    expect(() => a.insert(0, 1000)).toThrow(OverflowError);
    expect(a.toList()).toEqual([9, 2]);
  });

  test('count and index on large arrays agree with a plain scan (native search path)', () => {
    const values = globalThis.Array.from({ length: 20000 }, (_, i) => (i * 7919) % 101);
    for (const tc of ['b', 'B', 'h', 'i', 'I', 'q', 'Q', 'f', 'd', 'u']) {
      const items = tc === 'u' ? values.map((v) => String.fromCodePoint(v + 0x100)) : tc === 'q' || tc === 'Q' ? values.map(BigInt) : values;
      const a = array(tc, items);
      for (const probe of [0, 5, 100, 200]) {
        const x = tc === 'u' ? String.fromCodePoint(probe + 0x100) : probe;
        const want = values.filter((v) => v === probe).length;
        expect([tc, a.count(x)]).toEqual([tc, want]);
        expect([tc, a.includes(x)]).toEqual([tc, want > 0]);
        if (want > 0) expect(a.index(x)).toBe(values.indexOf(probe));
      }
    }
    const d = array('d', [0, -0, NaN, 1]);
    expect(d.count(0)).toBe(2);
    expect(d.count(-0)).toBe(2);
    expect(d.count(NaN)).toBe(0);
    const floats = array('d', new Float64Array(10000));
    floats.set(5000, -0);
    floats.set(6000, NaN);
    expect(floats.count(0)).toBe(9999);
    expect(floats.count(-0)).toBe(9999);
    expect(floats.count(NaN)).toBe(0);
    expect(floats.index(0, 4000)).toBe(4000);
    expect(array('f', new Float32Array(10000).fill(0.1)).count(0.1)).toBe(0);
    expect(array('f', new Float32Array(10000).fill(0.5)).index(0.5, 9999)).toBe(9999);
    const big = array('b', new Int8Array(10000).fill(-1));
    expect(big.count(255)).toBe(0);
    expect(big.count(-1)).toBe(10000);
  });

  test('byteswap works for every size, and twice is the identity', () => {
    for (const tc of ['b', 'h', 'i', 'q', 'f', 'd', 'u']) {
      const a = tc === 'u' ? array('u', 'ab') : tc === 'q' ? array('q', [1n, 2n]) : array(tc, [1, 2]);
      const bytes = a.toBytes();
      a.byteswap();
      const swapped = Buffer.from(bytes);
      if (a.itemsize === 2) swapped.swap16();
      if (a.itemsize === 4) swapped.swap32();
      if (a.itemsize === 8) swapped.swap64();
      expect(a.toBytes()).toEqual(swapped);
      a.byteswap();
      expect(a.toBytes()).toEqual(bytes);
    }
    const large = array('d', new Float64Array(100000).map((_, i) => i));
    large.byteswap();
    large.byteswap();
    expect(large.get(99999)).toBe(99999);
  });

  test('repeat: MemoryError for absurd sizes, empty for n ≤ 0 or an empty array', () => {
    expect(() => array('b', [1]).repeat(2 ** 53)).toThrow(MemoryError);
    expect(() => array('d', [1]).repeat(2n ** 64n)).toThrow(MemoryError);
    try {
      array('b', [1]).repeat(2 ** 53);
    } catch (e) {
      expect((e as MemoryError).code).toBe('ERR_MEMVIEW_NO_MEMORY');
    }
    expect(array('b').repeat(2 ** 53).length).toBe(0);
    expect(array('b', [1, 2]).repeat(-1n).length).toBe(0);
    expect(array('b', [1, 2]).repeat(3n).toList()).toEqual([1, 2, 1, 2, 1, 2]);
    expect(array('b', [7]).repeat(1000).count(7)).toBe(1000);
  });

  test('equals: Arrays of any typecode by value, MemoryViews as CPython, anything else false', () => {
    expect(array('b', [1, 2]).equals(array('d', [1, 2]))).toBe(true);
    expect(array('q', [2n ** 53n + 1n]).equals(array('d', [2 ** 53]))).toBe(false);
    expect(array('b', [1, 2]).equals([1, 2])).toBe(false);
    expect(array('b', [1, 2]).equals(memoryview(new Int8Array([1, 2])))).toBe(true);
    expect(array('u', 'a').equals(array('w', 'a'))).toBe(true);
    expect(array('u', 'a').equals(array('b', [97]))).toBe(false);
    expect(array('u', 'a').compare(array('w', 'b'))).toBe(-1);
    expect(array('u', '\uffff').compare(array('u', '😀'))).toBe(-1); // code points, not UTF-16 units
    expect(() => array('b').compare([] as unknown as MvArray)).toThrow(TypeError);
  });

  test('bufferInfo is the real address of the items', () => {
    const a = array('i', [1, 2, 3]);
    const [address, length] = a.bufferInfo();
    expect(typeof address).toBe('bigint');
    expect(address).not.toBe(0n);
    expect(length).toBe(3);
    expect(array('i').bufferInfo()).toEqual([0n, 0]);
  });

  test('toString, util.inspect and toJSON', () => {
    expect(array('d', [1.5, Infinity, 1e20]).toString()).toBe("array('d', [1.5, inf, 1e+20])");
    expect(String(array('d', [NaN, -0, 1e16, 1e-5, 0.0001, 123]))).toBe("array('d', [nan, -0.0, 1e+16, 1e-05, 0.0001, 123.0])");
    expect(util.inspect(array('b', [1]))).toBe("array('b', [1])");
    expect(String(array('u', "it's"))).toBe(`array('u', "it's")`);
    expect(String(array('w'))).toBe("array('w')");
    expect(JSON.stringify(array('d', [1.5, NaN]))).toBe('[1.5,null]');
    expect(JSON.stringify(array('u', 'ab'))).toBe('["a","b"]');
    expect(JSON.stringify({ a: array('q', [-1n]) })).toBe('{"a":["-1"]}');
  });
});

describe('file I/O', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memview-array-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('toFile then fromFile round-trips', () => {
    const file = path.join(dir, 'round.bin');
    const a = array('d', [1.5, -2, Infinity]);
    const fd = fs.openSync(file, 'w');
    a.toFile(fd);
    a.toFile(fd);
    fs.closeSync(fd);
    expect(fs.readFileSync(file)).toEqual(Buffer.concat([a.toBytes(), a.toBytes()]));
    const b = array('d', [0]);
    const rfd = fs.openSync(file, 'r');
    b.fromFile(rfd, 6);
    fs.closeSync(rfd);
    expect(b.toList()).toEqual([0, 1.5, -2, Infinity, 1.5, -2, Infinity]);
  });

  test('a short read appends what was read, then throws EOFError', () => {
    const file = path.join(dir, 'short.bin');
    fs.writeFileSync(file, Buffer.from([1, 0, 2, 0, 3]));
    const a = array('h', [9]);
    const fd = fs.openSync(file, 'r');
    expect(() => a.fromFile(fd, 10)).toThrow(EOFError);
    fs.closeSync(fd);
    expect(a.toList()).toEqual([9, 1, 2]);
    const fd2 = fs.openSync(file, 'r');
    try {
      a.fromFile(fd2, 100000000); // a huge count on a small file allocates only what is read
    } catch (e) {
      expect((e as EOFError).code).toBe('ERR_MEMVIEW_EOF');
      expect((e as Error).message).toBe("read() didn't return enough bytes");
    }
    fs.closeSync(fd2);
    expect(a.length).toBe(5);
  });

  test('fromFile reads large files fully (many chunks)', () => {
    const file = path.join(dir, 'large.bin');
    const src = new Float64Array(400000).map((_, i) => i);
    fs.writeFileSync(file, Buffer.from(src.buffer));
    const a = array('d');
    const fd = fs.openSync(file, 'r');
    a.fromFile(fd, src.length);
    fs.closeSync(fd);
    expect(a.length).toBe(src.length);
    expect(a.get(-1)).toBe(399999);
  });

  test('system errors are Node’s own; bad counts', () => {
    const a = array('b', [1]);
    expect(() => a.fromFile(999999, 1)).toThrow(expect.objectContaining({ code: 'EBADF' }));
    expect(() => a.toFile(999999)).toThrow(expect.objectContaining({ code: 'EBADF' }));
    expect(() => a.fromFile(0, -1)).toThrow('negative count');
    expect(() => a.fromFile(0, 1.5)).toThrow(TypeError);
    a.fromFile(999999, 0); // nothing to read: no error, as CPython
    expect(a.toList()).toEqual([1]);
  });
});

function withFd(file: string, f: (fd: number) => void): void {
  const fd = fs.openSync(file, 'r');
  try {
    f(fd);
  } finally {
    fs.closeSync(fd);
  }
}

describe('export locking (API.md §3 lifetime, §4)', () => {
  const resizers: [string, (a: MvArray) => void][] = [
    ['append', (a) => a.append(1)],
    ['extend', (a) => a.extend([1])],
    ['extend(Array)', (a) => a.extend(array('b', [1]))],
    ['extend(typed)', (a) => a.extend(new Int8Array([1]))],
    ['insert', (a) => a.insert(0, 1)],
    ['pop', (a) => a.pop()],
    ['remove', (a) => a.remove(2)],
    ['clear', (a) => a.clear()],
    ['delete', (a) => a.delete(0)],
    ['delete(slice)', (a) => a.delete(slice(0, 1))],
    ['delete(empty slice)', (a) => a.delete(slice(0, 0))],
    ['set(slice) resizing', (a) => a.set(slice(0, 1), [1, 2])],
    ['fromBytes', (a) => a.fromBytes(Buffer.from([1]))],
    ['fromList', (a) => a.fromList([1])],
    ['fromFile', (a) => withFd('/dev/zero', (fd) => a.fromFile(fd, 1))],
  ];

  test.each(resizers)('%s raises BufferError and changes nothing while exported', (_name, op) => {
    const a = array('b', [1, 2, 3]);
    const [address] = a.bufferInfo();
    const exported = a[kExport]();
    let error: unknown;
    try {
      op(a);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BufferError);
    expect((error as BufferError).code).toBe('ERR_MEMVIEW_EXPORTED');
    expect((error as BufferError).message).toBe(
      'cannot resize an array that is exporting buffers: release its memoryviews (view.release() or `using`) first',
    );
    expect(a.toList()).toEqual([1, 2, 3]);
    expect(a.bufferInfo()[0]).toBe(address);
    exported.release();
    exported.release(); // once only
    op(a); // unlocked
  });

  test('the export describes the block; reads and writes go on; in-place operations work', () => {
    const a = array('h', [1, 2, 3]);
    const e = a[kExport]();
    expect(e.byteOffset).toBe(0);
    expect(e.byteLength).toBe(6);
    expect(e.format).toBe('h');
    expect(e.readonly).toBe(false);
    expect(e.obj).toBe(a);
    const shared = new Int16Array(e.buffer, 0, 3);
    shared[0] = 10;
    expect(a.get(0)).toBe(10);
    a.set(1, 20);
    expect(shared[1]).toBe(20);
    a.reverse();
    a.byteswap();
    a.byteswap();
    a.set(slice(0, 2), [7, 8]); // same length: no resize
    a.extend([]);
    a.fromList([]);
    a.fromBytes(Buffer.alloc(0));
    expect(globalThis.Array.from(shared)).toEqual([7, 8, 10]);
    expect(array('u', 'a')[kExport]().format).toBe('w');
    expect(array('w', 'a')[kExport]().format).toBe('w');
    e.release();
  });

  test('every export counts: locked until the last is released', () => {
    const a = array('b', [1]);
    const e1 = a[kExport]();
    const e2 = a[kExport]();
    e1.release();
    expect(() => a.append(2)).toThrow(BufferError);
    e2.release();
    a.append(2);
  });

  test('through memoryview(): release(), using, and views derived from views', () => {
    const a = array('i', [1, 2, 3]);
    const m = memoryview(a);
    expect(m.obj).toBe(a);
    expect(m.format).toBe('i');
    const sub = m.get(slice(1)) as MemoryView;
    const cast = m.cast('B');
    m.set(0, 100);
    expect(a.get(0)).toBe(100);
    a.set(2, 300);
    expect(sub.toList()).toEqual([2, 300]);
    expect(() => a.append(4)).toThrow(BufferError);
    m.release();
    expect(() => a.append(4)).toThrow(BufferError); // sub and cast still share the export
    sub.release();
    cast.release();
    a.append(4);
    {
      using view = memoryview(a);
      expect(view.length).toBe(4);
      expect(() => a.pop()).toThrow(BufferError);
    }
    expect(a.pop()).toBe(4);
  });

  test('u and w arrays export w: items unreadable through the view, bytes castable', () => {
    const a = array('u', 'ab');
    const m = memoryview(a);
    expect(m.format).toBe('w');
    expect(m.itemsize).toBe(4);
    expect(() => m.get(0)).toThrow();
    expect(m.cast('B').toList().slice(0, 4)).toEqual([97, 0, 0, 0]);
    m.release();
  });

  test('stale memory stays valid after growth (refcounted blocks)', () => {
    const a = array('d', [1, 2, 3]);
    const e = a[kExport]();
    const old = new Float64Array(e.buffer, 0, 3);
    e.release();
    for (let i = 0; i < 10000; i++) a.append(i); // grows: new blocks
    expect(globalThis.Array.from(old)).toEqual([1, 2, 3]); // the old block is still alive
    old[0] = 42; // and writing it never touches the array
    expect(a.get(0)).toBe(1);
  });
});

describe('memory', () => {
  test('append is amortised: many items, few blocks', () => {
    const a = array('d');
    const addresses = new Set<bigint>();
    for (let i = 0; i < 100000; i++) {
      a.append(i);
      if ((i & 1023) === 0) addresses.add(a.bufferInfo()[0]);
    }
    expect(a.length).toBe(100000);
    expect(a.get(-1)).toBe(99999);
    expect(addresses.size).toBeLessThan(40);
  });

  test('arrays are never backed by a user-detachable ArrayBuffer', () => {
    const a = array('b', [1, 2, 3]);
    const e = a[kExport]();
    try {
      structuredClone(e.buffer, { transfer: [e.buffer as ArrayBuffer] });
    } catch {
      // either refused or copied: both leave the array intact
    }
    e.release();
    expect(a.toList()).toEqual([1, 2, 3]);
  });
});

describe('pyrepr', () => {
  test('floats as CPython repr', () => {
    const cases: [number, string][] = [
      [1.5, '1.5'],
      [1, '1.0'],
      [-0, '-0.0'],
      [NaN, 'nan'],
      [-Infinity, '-inf'],
      [1e16, '1e+16'],
      [1e15, '1000000000000000.0'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [0.1 + 0.2, '0.30000000000000004'],
      [123456789.125, '123456789.125'],
    ];
    for (const [x, text] of cases) expect(pyFloatRepr(x)).toBe(text);
  });

  test('bytes, str, lists', () => {
    expect(pyBytesRepr(Buffer.from("a'\n\x00\xff\\"))).toBe('b"a\'\\n\\x00\\xc3\\xbf\\\\"');
    expect(pyBytesRepr(Buffer.from([0x27, 0x22]))).toBe("b'\\'\"'");
    expect(pyStrRepr('a\tb')).toBe("'a\\tb'");
    expect(pyList([[0, 1], [2n, true, null, 'x', Buffer.from('y')]])).toBe("[[0, 1], [2, True, None, 'x', b'y']]");
    expect(pyList([1, 2.5])).toBe('[1, 2.5]');
    expect(pyList([1, 2], true)).toBe('[1.0, 2.0]');
  });
});

describe('model-based (fast-check): random operation sequences agree with a plain JS list', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fc = require('fast-check') as typeof import('fast-check');
  const value = fc.integer({ min: -1000, max: 1000 });
  const index = fc.integer({ min: -12, max: 12 });
  const bound = fc.option(fc.integer({ min: -12, max: 12 }), { nil: null });
  const step = fc.option(fc.integer({ min: -3, max: 3 }).filter((s) => s !== 0), { nil: null });
  const op = fc.oneof(
    fc.record({ kind: fc.constant('append' as const), v: value }),
    fc.record({ kind: fc.constant('extend' as const), vs: fc.array(value, { maxLength: 20 }) }),
    fc.record({ kind: fc.constant('insert' as const), i: index, v: value }),
    fc.record({ kind: fc.constant('pop' as const), i: index }),
    fc.record({ kind: fc.constant('delete' as const), s: fc.tuple(bound, bound, step) }),
    fc.record({ kind: fc.constant('set' as const), s: fc.tuple(bound, bound, step), vs: fc.array(value, { maxLength: 8 }) }),
    fc.record({ kind: fc.constant('reverse' as const) }),
    fc.record({ kind: fc.constant('export' as const) }),
    fc.record({ kind: fc.constant('release' as const) }),
  );

  /** Python's semantics on a JS list (the model). */
  function sliceIndices(length: number, s: [number | null, number | null, number | null]): number[] {
    const [start, stop, stepValue] = slice(s[0], s[1], s[2]).indices(length);
    const out: number[] = [];
    if (stepValue > 0) for (let i = start; i < stop; i += stepValue) out.push(i);
    else for (let i = start; i > stop; i += stepValue) out.push(i);
    return out;
  }

  test('array(i)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const a = array('i');
        const model: number[] = [];
        const exports: { release(): void }[] = [];
        for (const o of ops) {
          let threw: unknown = null;
          try {
            switch (o.kind) {
              // Each case calls the Array first: when it throws, the model is left alone.
              case 'append':
                a.append(o.v);
                model.push(o.v);
                break;
              case 'extend':
                a.extend(o.vs);
                model.push(...o.vs);
                break;
              case 'insert': {
                a.insert(o.i, o.v);
                let k = o.i < 0 ? Math.max(0, o.i + model.length) : Math.min(o.i, model.length);
                if (k > model.length) k = model.length;
                model.splice(k, 0, o.v);
                break;
              }
              case 'pop': {
                const got = a.pop(o.i);
                const k = o.i < 0 ? o.i + model.length : o.i;
                expect(got).toBe(model[k]);
                model.splice(k, 1);
                break;
              }
              case 'delete': {
                a.delete(slice(...o.s));
                const gone = new Set(sliceIndices(model.length, o.s));
                const kept = model.filter((_, i) => !gone.has(i));
                model.length = 0;
                model.push(...kept);
                break;
              }
              case 'set': {
                a.set(slice(...o.s), o.vs);
                const [start, stop, st] = slice(...o.s).indices(model.length);
                if (st === 1) model.splice(start, Math.max(stop, start) - start, ...o.vs);
                else if (o.vs.length === 0) {
                  const gone = new Set(sliceIndices(model.length, o.s));
                  const kept = model.filter((_, i) => !gone.has(i));
                  model.length = 0;
                  model.push(...kept);
                } else sliceIndices(model.length, o.s).forEach((i, k) => (model[i] = o.vs[k]));
                break;
              }
              case 'reverse':
                a.reverse();
                model.reverse();
                break;
              case 'export':
                exports.push(a[kExport]());
                break;
              case 'release':
                exports.pop()?.release();
                break;
            }
          } catch (e) {
            threw = e;
          }
          if (threw !== null) {
            // Only Python's own refusals: index errors, size mismatches, and the export lock.
            expect(threw).toBeInstanceOf(Error);
            expect(['IndexError', 'ValueError', 'BufferError']).toContain((threw as Error).name);
          }
          expect(a.toList()).toEqual(model);
        }
        for (const e of exports) e.release();
      }),
      { numRuns: 300 },
    );
  });
});

describe('toTypedArray over an Array', () => {
  test('shares the items, and stays valid (never freed memory) after the array grows', () => {
    const a = array('d', [1, 2, 3]);
    const view = memoryview(a);
    const typed = view.toTypedArray() as Float64Array;
    typed[0] = 9;
    expect(a.get(0)).toBe(9);
    view.release();
    for (let i = 0; i < 1000; i++) a.append(i); // grows: the block moves
    expect(typed[0]).toBe(9); // the old block lives on for the typed array
    expect(a.get(0)).toBe(9);
  });
});

test('extend from an empty view over detached memory appends nothing (found by test/fuzz.test.ts)', () => {
  const ab = new ArrayBuffer(8);
  const empty = memoryview(ab).get(slice(0, 0)) as MemoryView;
  const whole = memoryview(ab);
  structuredClone(ab, { transfer: [ab] });
  const a = array('B', [1]);
  a.extend(empty);
  expect(a.toList()).toEqual([1]);
  expect(() => a.extend(whole)).toThrow(expect.objectContaining({ name: 'ValueError', code: 'ERR_MEMVIEW_DETACHED' }));
  expect(a.toList()).toEqual([1]);
});
