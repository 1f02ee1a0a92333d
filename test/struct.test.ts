// struct (API.md §5): CPython 3.11-generated fixtures (scripts/fixtures/struct_fixtures.py),
// JS value rules, buffer sources, offsets, detached memory, and property tests.
import * as fc from 'fast-check';
import { BufferError, OverflowError, StructError, ValueError, array, memoryview, slice, struct } from '../lib';
import { FormatMode, compileFormat } from '../lib/format';
import { valueCodecs } from '../lib/layout';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inspect } from 'node:util';
import * as vm from 'node:vm';
import { expectDetached } from './support/errors';

type Tagged = { int?: string; float?: string; bool?: boolean; bytes?: string; str?: string; null?: boolean; buffer?: number };

interface PackCase {
  fmt: string;
  args: Tagged[];
  hex: string;
  values: Tagged[];
}
interface Fixtures {
  python: string;
  calcsize: { fmt: string; size: number }[];
  pack: PackCase[];
  unpackOnly: { fmt: string; hex: string; values: Tagged[] }[];
  offsets: (PackCase & { length: number; offset: number })[];
  iter: { fmt: string; hex: string; records: Tagged[][] }[];
  errors: { fn: string; fmt: string; args: Tagged[]; error: string; message?: string; messagePrefix?: string }[];
}
const fixtures = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'struct.json'), 'utf8')) as Fixtures;

const BIGINT_CODES = 'lLqQnNP';

/** The code of each value of `fmt`, in order. */
function codesOf(fmt: string): string[] {
  return valueCodecs(compileFormat(fmt, FormatMode.Struct), 'struct').map((c) => c.field.code);
}

function decodeFloat(text: string): number {
  switch (text) {
    case 'nan':
      return NaN;
    case 'inf':
      return Infinity;
    case '-inf':
      return -Infinity;
    default:
      return Number(text);
  }
}

/** A fixture value as the JS value read back for `code` (API.md §1). */
function expected(tag: Tagged, code: string): unknown {
  if (tag.int !== undefined) return BIGINT_CODES.includes(code) ? BigInt(tag.int) : Number(tag.int);
  if (tag.float !== undefined) return decodeFloat(tag.float);
  if (tag.bool !== undefined) return tag.bool;
  if (tag.bytes !== undefined) return Buffer.from(tag.bytes, 'hex');
  throw new Error(`bad tag ${JSON.stringify(tag)}`);
}

/** A fixture argument as a JS argument: integers as numbers when safe, else bigints. */
function argument(tag: Tagged): unknown {
  if (tag.int !== undefined) {
    const big = BigInt(tag.int);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
  if (tag.float !== undefined) return decodeFloat(tag.float);
  if (tag.bool !== undefined) return tag.bool;
  if (tag.bytes !== undefined) return Buffer.from(tag.bytes, 'hex');
  if (tag.str !== undefined) return tag.str;
  if (tag.null) return null;
  if (tag.buffer !== undefined) return Buffer.alloc(tag.buffer);
  throw new Error(`bad tag ${JSON.stringify(tag)}`);
}

function expectValues(actual: unknown[], tags: Tagged[], fmt: string): void {
  const codes = codesOf(fmt);
  expect(actual).toHaveLength(tags.length);
  tags.forEach((tag, i) => {
    const want = expected(tag, codes[i]);
    const got = actual[i];
    if (Buffer.isBuffer(want)) {
      expect(Buffer.isBuffer(got)).toBe(true);
      expect((got as Buffer).toString('hex')).toBe(want.toString('hex'));
    } else {
      expect(typeof got).toBe(typeof want);
      expect(Object.is(got, want) || got === want).toBe(true);
    }
  });
}

function expectError(fn: () => unknown, cls: string, message?: string, messagePrefix?: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(Error);
  const error = thrown as Error & { code?: string };
  expect(error.name).toBe(cls);
  expect(typeof error.code).toBe('string');
  if (message !== undefined) expect(error.message).toBe(message);
  if (messagePrefix !== undefined) expect(error.message.startsWith(messagePrefix)).toBe(true);
}

function detach(buffer: ArrayBuffer): void {
  structuredClone(buffer, { transfer: [buffer] });
}

describe('struct: CPython fixtures', () => {
  test('fixtures come from CPython', () => {
    expect(fixtures.python).toMatch(/^3\./);
  });

  test.each(fixtures.calcsize.map((c) => [c.fmt, c.size]))('calcsize(%j) = %d', (fmt, size) => {
    expect(struct.calcsize(fmt as string)).toBe(size);
    expect(new struct.Struct(fmt as string).size).toBe(size);
  });

  test.each(fixtures.pack.map((c) => [c.fmt, c]))('pack / unpack %j', (_fmt, c) => {
    const args = (c.args as Tagged[]).map(argument);
    const packed = struct.pack(c.fmt, ...args);
    expect(Buffer.isBuffer(packed)).toBe(true);
    expect(packed.toString('hex')).toBe(c.hex);
    expectValues(struct.unpack(c.fmt, Buffer.from(c.hex, 'hex')), c.values as Tagged[], c.fmt);
    // The same through a Struct, and into a buffer at an offset.
    const s = new struct.Struct(c.fmt);
    expect(s.pack(...args).toString('hex')).toBe(c.hex);
    const target = Buffer.alloc(s.size + 5, 0xee);
    s.packInto(target, 3, ...args);
    expect(target.subarray(3, 3 + s.size).toString('hex')).toBe(c.hex);
    expect(target.subarray(0, 3).toString('hex')).toBe('eeeeee');
    expectValues(s.unpackFrom(target, 3), c.values as Tagged[], c.fmt);
  });

  test.each(fixtures.unpackOnly.map((c) => [c.fmt, c.hex, c]))('unpack(%j, %s)', (_fmt, _hex, c) => {
    expectValues(struct.unpack(c.fmt, Buffer.from(c.hex, 'hex')), c.values as Tagged[], c.fmt);
  });

  test.each(fixtures.offsets.map((c) => [c.fmt, c.offset, c]))('packInto / unpackFrom(%j) at offset %d', (_fmt, _offset, c) => {
    const buffer = Buffer.alloc(c.length, 0xaa);
    struct.packInto(c.fmt, buffer, c.offset, ...(c.args as Tagged[]).map(argument));
    expect(buffer.toString('hex')).toBe(c.hex);
    expectValues(struct.unpackFrom(c.fmt, buffer, c.offset), c.values as Tagged[], c.fmt);
    expectValues(struct.unpackFrom(c.fmt, buffer, BigInt(c.offset)), c.values as Tagged[], c.fmt);
  });

  test.each(fixtures.iter.map((c) => [c.fmt, c]))('iterUnpack(%j)', (_fmt, c) => {
    const records = [...struct.iterUnpack(c.fmt, Buffer.from(c.hex, 'hex'))];
    expect(records).toHaveLength(c.records.length);
    records.forEach((record, i) => expectValues(record, c.records[i] as Tagged[], c.fmt));
  });

  test.each(fixtures.errors.map((c) => [c.fn, c.fmt, c.error, c]))('%s(%j) raises %s', (fn, fmt, cls, c) => {
    const args = (c.args as Tagged[]).map(argument);
    const call = (): unknown => {
      switch (fn) {
        case 'calcsize':
          return struct.calcsize(fmt as string);
        case 'pack':
          return struct.pack(fmt as string, ...args);
        case 'pack_into':
          return (struct.packInto as (...a: unknown[]) => void)(fmt, ...args);
        case 'unpack':
          return struct.unpack(fmt as string, args[0] as Buffer);
        case 'unpack_from':
          return struct.unpackFrom(fmt as string, args[0] as Buffer, args[1] as number);
        case 'iter_unpack':
          return [...struct.iterUnpack(fmt as string, args[0] as Buffer)];
      }
      throw new Error(`unknown function ${fn}`);
    };
    expectError(call, cls as string, (c as { message?: string }).message, (c as { messagePrefix?: string }).messagePrefix);
  });
});

describe('struct: the namespace', () => {
  test('exports CPython names; error is StructError', () => {
    expect(Object.keys(struct).sort()).toEqual(['Struct', 'StructError', 'calcsize', 'error', 'iterUnpack', 'pack', 'packInto', 'unpack', 'unpackFrom']);
    expect(struct.error).toBe(StructError);
    expect(struct.StructError).toBe(StructError);
    const error = new struct.error('x');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('StructError');
    expect(error.code).toBe('ERR_MEMVIEW_STRUCT');
  });

  test('Struct has format, size, the methods, and a repr', () => {
    const s: struct.Struct = new struct.Struct('<iHd');
    expect(s.format).toBe('<iHd');
    expect(s.size).toBe(14);
    expect(String(s)).toBe("Struct('<iHd')");
    expect(inspect(s)).toBe("Struct('<iHd')");
    expect(String(new struct.Struct('h\ti\n'))).toBe("Struct('h\\ti\\n')");
    const { pack, unpack } = s; // the methods work detached from the object
    expect(unpack(pack(1, 2, 3))).toEqual([1, 2, 3]);
  });

  test('format errors are StructErrors with a code; a non-string format is a TypeError', () => {
    expectError(() => new struct.Struct('<iZ'), 'StructError', 'bad char in struct format (at position 2)');
    try {
      struct.calcsize('Z');
    } catch (error) {
      expect((error as StructError).code).toBe('ERR_MEMVIEW_FORMAT');
    }
    expect(() => struct.calcsize(5 as unknown as string)).toThrow(TypeError);
    expectError(() => struct.calcsize('D'), 'StructError'); // CPython 3.14's complex codes are not supported
    expectError(() => struct.calcsize('F'), 'StructError');
  });

  test('module functions and Structs of the same format agree (one engine per format)', () => {
    for (const fmt of ['b', 'hh', '<iHd', '4B', '2h x d 4s ?']) {
      const s = new struct.Struct(fmt);
      const values = struct.unpack(fmt, Buffer.alloc(s.size, 1));
      expect(s.pack(...values)).toEqual(struct.pack(fmt, ...values));
    }
  });
});

describe('struct: JS value rules (API.md §1)', () => {
  test.each(['b', 'B', 'h', 'H', 'i', 'I', 'l', 'L', 'q', 'Q', 'n', 'N', 'P', '<i', '>q'])('booleans are not integers: pack(%j, true)', (fmt) => {
    expectError(() => struct.pack(fmt, true), 'StructError', 'required argument is not an integer');
  });

  test.each(['e', 'f', 'd', '<d'])('booleans are not floats: pack(%j, false)', (fmt) => {
    expectError(() => struct.pack(fmt, false), 'StructError', 'required argument is not a float');
  });

  test('booleans, numbers and strings are not bytes', () => {
    expectError(() => struct.pack('c', true), 'StructError', 'char format requires a bytes object of length 1');
    expectError(() => struct.pack('4s', 'abcd'), 'StructError', "argument for 's' must be a bytes object");
    expectError(() => struct.pack('4p', 'abcd'), 'StructError', "argument for 'p' must be a bytes object");
    expectError(() => struct.pack('c', 'a'), 'StructError', 'char format requires a bytes object of length 1');
  });

  test('integers: exact numbers and bigints; unsafe numbers are rejected', () => {
    expect(struct.pack('<q', 2 ** 53 - 1)).toEqual(struct.pack('<q', 2n ** 53n - 1n));
    expectError(() => struct.pack('<q', 2 ** 60), 'StructError', 'required argument is not an integer');
    expectError(() => struct.pack('<i', NaN), 'StructError', 'required argument is not an integer');
    expectError(() => struct.pack('<i', Infinity), 'StructError', 'required argument is not an integer');
    expect(struct.unpack('<i', struct.pack('<i', -5n))).toEqual([-5]);
    expect(struct.unpack('<d', struct.pack('<d', 2n ** 70n))).toEqual([2 ** 70]);
  });

  test('l L q Q n N P always read as bigint, whatever the size', () => {
    expect(struct.unpack('<l', Buffer.from([0xff, 0xff, 0xff, 0xff]))).toEqual([-1n]);
    expect(struct.unpack('>L', Buffer.from([0, 0, 0, 7]))).toEqual([7n]);
    expect(struct.unpack('qQnNP', Buffer.alloc(40))).toEqual([0n, 0n, 0n, 0n, 0n]);
  });

  test("'P' takes -1 (read back as 2**64 - 1) but no other negative", () => {
    expect(struct.unpack('P', struct.pack('P', -1))).toEqual([2n ** 64n - 1n]);
    expectError(() => struct.pack('P', -2), 'StructError');
  });

  test("'?' packs JS truthiness (NaN is false) and reads booleans", () => {
    expect([...struct.pack('6?', NaN, 'a', {}, 0n, '', null)]).toEqual([0, 1, 1, 0, 0, 0]);
    expect(struct.unpack('3?', Buffer.from([0, 1, 0x80]))).toEqual([false, true, true]);
  });

  test("'c' reads a 1-byte Buffer; item Buffers are copies", () => {
    const source = Buffer.from('abcdef');
    const [c, s] = struct.unpack('c5s', source) as [Buffer, Buffer];
    expect(c).toEqual(Buffer.from('a'));
    s[0] = 0x7a;
    c[0] = 0x7a;
    expect(source.toString()).toBe('abcdef');
    expect(struct.pack('c', new Uint8Array([0x41]))).toEqual(Buffer.from('A'));
  });

  test('a failed pack writes nothing', () => {
    const target = Buffer.alloc(14, 0x55);
    expect(() => struct.packInto('<iHd', target, 0, 1, 2, 'x')).toThrow(StructError);
    expect(() => new struct.Struct('<iHd').packInto(target, 0, 1, 70000, 1.5)).toThrow(StructError);
    expect(() => new struct.Struct('<5i').packInto(target.subarray(0, 20), 0, 1, 2, 3, 4, 5)).toThrow(StructError);
    const big = Buffer.alloc(20, 0x55);
    expect(() => new struct.Struct('<5i').packInto(big, 0, 1, 2, 3, 4, 2 ** 40)).toThrow(StructError);
    expect(() => struct.packInto('<3sxf', big, 0, Buffer.from('ab'), 1e300)).toThrow(OverflowError);
    expect(target.every((b) => b === 0x55)).toBe(true);
    expect(big.every((b) => b === 0x55)).toBe(true);
  });

  test('pads and alignment gaps are packed as zeros, also into a dirty buffer', () => {
    const target = Buffer.alloc(16, 0xff);
    struct.packInto('c x h 0i', target, 0, Buffer.from('a'), 2);
    expect(target.subarray(0, 8).toString('hex')).toBe('61000200ffffffff');
    struct.packInto('bd', target, 0, 1, 0);
    expect(target.toString('hex')).toBe('01' + '00'.repeat(15));
    const padded = Buffer.alloc(40, 0xff);
    struct.packInto('b32xb', padded, 0, 1, 2);
    expect(padded.subarray(0, 34).toString('hex')).toBe('01' + '00'.repeat(32) + '02');
  });
});

describe('struct: argument counts and offsets', () => {
  test('packInto counts its buffer and offset (CPython messages)', () => {
    const packInto = struct.packInto as (...a: unknown[]) => void;
    expectError(() => packInto('i'), 'StructError', 'pack_into expected buffer argument');
    expectError(() => packInto('i', Buffer.alloc(4)), 'StructError', 'pack_into expected offset argument');
    const s = new struct.Struct('<iHd');
    const sPackInto = s.packInto as (...a: unknown[]) => void;
    expectError(() => sPackInto(), 'StructError', 'pack_into expected buffer argument');
    expectError(() => sPackInto(Buffer.alloc(14)), 'StructError', 'pack_into expected offset argument');
    expectError(() => sPackInto(Buffer.alloc(14), 0, 1), 'StructError', 'pack_into expected 3 items for packing (got 1)');
    expectError(() => (s.pack as (...a: unknown[]) => Buffer)(1, 2, 3, 4), 'StructError', 'pack expected 3 items for packing (got 4)');
    const five = new struct.Struct('5b');
    expectError(() => (five.packInto as (...a: unknown[]) => void)(Buffer.alloc(5)), 'StructError', 'pack_into expected offset argument');
    expectError(() => five.pack(1, 2), 'StructError', 'pack expected 5 items for packing (got 2)');
  });

  test('offsets are integer numbers or bigints', () => {
    const buffer = Buffer.alloc(8);
    expect(() => struct.unpackFrom('b', buffer, 1.5)).toThrow(TypeError);
    expect(() => struct.unpackFrom('b', buffer, '1' as unknown as number)).toThrow(TypeError);
    expect(() => struct.packInto('b', buffer, null as unknown as number, 1)).toThrow(TypeError);
    expect(() => struct.unpackFrom('b', buffer, 2n ** 64n)).toThrow(OverflowError);
    expect(() => struct.unpackFrom('b', buffer, 2 ** 70)).toThrow(OverflowError);
    expect(() => struct.packInto('b', buffer, -(2n ** 63n) - 1n, 0)).toThrow(OverflowError);
    expect(() => struct.unpackFrom('b', buffer, NaN)).toThrow(TypeError);
    expectError(() => struct.unpackFrom('b', buffer, 2 ** 60), 'StructError', `unpack_from requires a buffer of at least ${2n ** 60n + 1n} bytes for unpacking 1 bytes at offset ${2n ** 60n} (actual buffer size is 8)`);
    expectError(() => struct.packInto('b', buffer, -(2n ** 62n), 1), 'StructError', `offset ${-(2n ** 62n)} out of range for 8-byte buffer`);
    expect(struct.unpackFrom('b', buffer, 7n)).toEqual([0]);
    expect(struct.unpackFrom('b', buffer)).toEqual([0]);
  });

  test('negative offsets count from the end', () => {
    const buffer = Buffer.from([1, 2, 3, 4, 5, 6]);
    expect(struct.unpackFrom('<H', buffer, -2)).toEqual([0x0605]);
    expect(new struct.Struct('<H').unpackFrom(buffer, -6)).toEqual([0x0201]);
    new struct.Struct('BB').packInto(buffer, -2, 9, 9);
    expect([...buffer]).toEqual([1, 2, 3, 4, 9, 9]);
  });
});

describe('struct: buffer sources (API.md §3)', () => {
  const bytes = [1, 0, 0, 0, 2, 0, 0x40, 0x40, 0, 0, 0, 0, 0, 0];

  test.each([
    ['Buffer', () => Buffer.from(bytes)],
    ['Uint8Array', () => new Uint8Array(bytes)],
    ['Uint8ClampedArray', () => new Uint8ClampedArray(bytes)],
    ['Int16Array', () => new Int16Array(new Uint8Array(bytes).buffer)],
    ['DataView', () => new DataView(new Uint8Array(bytes).buffer)],
    ['ArrayBuffer', () => new Uint8Array(bytes).buffer],
    ['SharedArrayBuffer', () => {
      const sab = new SharedArrayBuffer(bytes.length);
      new Uint8Array(sab).set(bytes);
      return sab;
    }],
    ['MemoryView', () => memoryview(Buffer.from(bytes))],
    ['MemoryView cast', () => memoryview(new Uint16Array(new Uint8Array(bytes).buffer)).cast('B')],
  ])('%s', (_name, make) => {
    const source = make();
    expect(struct.unpack('<iHd', source)).toEqual([1, 2, new DataView(new Uint8Array(bytes).buffer).getFloat64(6, true)]);
    expect(struct.unpackFrom('<H', source, 4)).toEqual([2]);
    expect([...struct.iterUnpack('<H', source)]).toHaveLength(7);
    struct.packInto('<H', source, -2, 0xabcd);
    expect(struct.unpackFrom('<H', source, 12)).toEqual([0xabcd]);
  });

  test('a typed array window is respected exactly (pooled Buffers never reach their neighbours)', () => {
    const pool = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const window = pool.subarray(2, 4);
    expect(struct.unpack('<H', window)).toEqual([0x0403]);
    expectError(() => struct.unpackFrom('<i', window, 0), 'StructError', 'unpack_from requires a buffer of at least 4 bytes for unpacking 4 bytes at offset 0 (actual buffer size is 2)');
    expectError(() => struct.packInto('<i', window, -2, 0), 'StructError', 'no space to pack 4 bytes at offset -2');
    const u16 = new Uint16Array(pool.buffer, pool.byteOffset + 4, 2);
    expect(struct.unpack('<I', u16)).toEqual([0x08070605]);
  });

  test('buffers from another realm (vm contexts) are buffers too', () => {
    const { ab, u8 } = vm.runInNewContext('({ ab: new ArrayBuffer(4), u8: new Uint8Array([1, 0, 0, 0]) })') as { ab: ArrayBuffer; u8: Uint8Array };
    struct.packInto('<i', ab, 0, 7);
    expect(struct.unpack('<i', ab)).toEqual([7]);
    expect(struct.unpack('<i', u8)).toEqual([1]);
  });

  test('large records: pads are zeros and strings are padded, beyond the pack pool too', () => {
    for (let i = 0; i < 600; i++) struct.pack('<8d', 1, 2, 3, 4, 5, 6, 7, 8); // dirty the pool
    expect(struct.pack('100x').every((b) => b === 0)).toBe(true);
    expect(struct.pack('5000x').every((b) => b === 0)).toBe(true);
    const big = struct.pack('<5000sxq', Buffer.from('ab'), -1n);
    expect(big.length).toBe(5009);
    expect(big.subarray(0, 2).toString()).toBe('ab');
    expect(big.subarray(2, 5001).every((b) => b === 0)).toBe(true);
    expect(struct.unpack('<5000sxq', big)[1]).toBe(-1n);
  });

  test('pack results are distinct Buffers', () => {
    const a = struct.pack('<i', 1);
    const b = struct.pack('<i', 2);
    expect(a).toEqual(Buffer.from([1, 0, 0, 0]));
    expect(b).toEqual(Buffer.from([2, 0, 0, 0]));
    a[0] = 9;
    expect(b[0]).toBe(2);
  });

  test('alternating sources never mix up (one cached DataView)', () => {
    const s = new struct.Struct('<i');
    const a = Buffer.alloc(8);
    const b = new Uint8Array(8);
    const c = new ArrayBuffer(8);
    for (let i = 0; i < 10; i++) {
      s.packInto(a, 4, i);
      s.packInto(b, 0, -i || 0);
      s.packInto(c, 4, i * 2);
      expect(s.unpackFrom(a, 4)).toEqual([i]);
      expect(s.unpackFrom(b, 0)).toEqual([-i || 0]);
      expect(s.unpackFrom(c, 4)).toEqual([i * 2]);
    }
  });

  test('anything else is a TypeError', () => {
    // Also for formats of size 0, and right after a source over a resizable buffer (nothing cached).
    const Resizable = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer;
    struct.unpack('', new Resizable(0, { maxByteLength: 8 }));
    for (const bad of [null, undefined]) {
      expect(() => struct.unpack('', bad as unknown as Buffer)).toThrow(TypeError);
      expect(() => new struct.Struct('0i').unpackFrom(bad as unknown as Buffer)).toThrow(TypeError);
      expect(() => new struct.Struct('x').packInto(bad as unknown as Buffer, 0)).toThrow(TypeError);
    }
    for (const bad of ['abcd', 5, null, undefined, {}, [1, 2, 3, 4]]) {
      expect(() => struct.unpack('<i', bad as unknown as Buffer)).toThrow(TypeError);
      expect(() => struct.packInto('<i', bad as unknown as Buffer, 0, 1)).toThrow(TypeError);
      expect(() => struct.iterUnpack('<i', bad as unknown as Buffer)).toThrow(TypeError);
    }
  });

  test('MemoryView sources: readonly refuses packInto, non-contiguous is a BufferError, the view stays usable', () => {
    const view = memoryview(Buffer.alloc(8));
    struct.packInto('<i', view, 0, 7);
    expect(struct.unpackFrom('<i', view)).toEqual([7]);
    expect(view.get(0)).toBe(7); // the caller's view was not released
    const readonly = view.toReadonly();
    expect(struct.unpackFrom('<i', readonly)).toEqual([7]);
    expect(() => struct.packInto('<i', readonly, 0, 1)).toThrow(TypeError);
    expect(() => new struct.Struct('<i').packInto(readonly, 0, 1)).toThrow(TypeError);
    const strided = view.get(slice(null, null, 2)) as ReturnType<typeof memoryview>;
    expect(() => struct.unpack('<i', strided)).toThrow(BufferError);
    expect(() => struct.iterUnpack('<b', strided)).toThrow(BufferError);
    view.release();
    expect(() => struct.unpack('<ii', view)).toThrow(ValueError);
  });

  test('a record-format MemoryView is read as its bytes', () => {
    const view = memoryview(Buffer.alloc(28)).cast('<iHd');
    struct.packInto('<iHd', view, 14, 5, 6, 7.5);
    expect(struct.unpackFrom('<iHd', view, 14)).toEqual([5, 6, 7.5]);
  });
});

describe('struct: Array sources (operations never leave an export behind)', () => {
  const canGrow = (a: { append(value: number): void; pop(): unknown }): boolean => {
    try {
      a.append(0);
      a.pop();
      return true;
    } catch (error) {
      expect(error).toBeInstanceOf(BufferError);
      return false;
    }
  };

  test('unpack, unpackFrom, packInto, pack count on an Array, which stays resizable', () => {
    const a = array('i', [1, 2, 3]);
    expect(struct.unpack('<3i', a)).toEqual([1, 2, 3]);
    expect(new struct.Struct('<i').unpackFrom(a, -4)).toEqual([3]);
    struct.packInto('<i', a, 4, 20);
    new struct.Struct('<i').packInto(a, 8, 30);
    expect(a.toList()).toEqual([1, 20, 30]);
    expect(canGrow(a)).toBe(true);
  });

  test('failed calls release their export too', () => {
    const a = array('h', [1, 2]);
    expect(() => struct.unpack('<3h', a)).toThrow(StructError);
    expect(() => struct.unpackFrom('<h', a, 9)).toThrow(StructError);
    expect(() => struct.packInto('<h', a, 0, 'x')).toThrow(StructError);
    expect(() => new struct.Struct('<hh').packInto(a, 2, 1, 2)).toThrow(StructError);
    expect(() => struct.iterUnpack('<3h', a)).toThrow(StructError);
    expect(canGrow(a)).toBe(true);
  });

  test('an iterUnpack iterator holds its export until exhausted or closed', () => {
    const a = array('B', [1, 2, 3]);
    const it = struct.iterUnpack('B', a);
    expect(canGrow(a)).toBe(false);
    expect([...it]).toEqual([[1], [2], [3]]);
    expect(canGrow(a)).toBe(true);
    const early = new struct.Struct('B').iterUnpack(a);
    for (const record of early) {
      expect(record).toEqual([1]);
      break; // for…of calls return()
    }
    expect(canGrow(a)).toBe(true);
    const disposed = struct.iterUnpack('B', a);
    disposed[Symbol.dispose]();
    expect(canGrow(a)).toBe(true);
  });

  test('values written through an Array are seen by the Array', () => {
    const a = array('d', [0, 0]);
    struct.packInto('=d', a, 8, 2.5);
    expect(a.get(1)).toBe(2.5);
  });
});

describe('struct: detached, transferred and shrunk memory never reads stale bytes', () => {
  test.each([
    ['Uint8Array', (ab: ArrayBuffer) => new Uint8Array(ab)],
    ['DataView', (ab: ArrayBuffer) => new DataView(ab)],
    ['ArrayBuffer', (ab: ArrayBuffer) => ab],
  ])('%s over a transferred buffer', (_name, wrap) => {
    const ab = new ArrayBuffer(16);
    const source = wrap(ab);
    const s = new struct.Struct('<iHd');
    expect(s.unpackFrom(source, 2)).toEqual([0, 0, 0]); // the DataView cache now holds ab
    detach(ab);
    expectDetached(() => s.unpackFrom(source, 0));
    expectDetached(() => s.packInto(source, 0, 1, 2, 3));
    expectDetached(() => struct.unpack('<4i', source));
    expectDetached(() => struct.unpackFrom('<i', source, 0));
    expectDetached(() => struct.packInto('<5b', source, 0, 1, 2, 3, 4, 5));
    expectDetached(() => struct.iterUnpack('<i', source));
  });

  test('an iterUnpack iterator whose buffer goes away throws ValueError', () => {
    const ab = new ArrayBuffer(16);
    const it = struct.iterUnpack('<i', new Uint8Array(ab));
    expect(it.next()).toEqual({ value: [0], done: false });
    detach(ab);
    expectDetached(() => it.next());
    expect(it.next()).toEqual({ value: undefined, done: true });
  });

  test('resizable buffers: a length-tracking source is read at its current length, a fixed one that no longer fits throws', () => {
    const Resizable = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void };
    const rab = new Resizable(16, { maxByteLength: 32 });
    const tracking = new Uint8Array(rab);
    const fixed = new DataView(rab, 0, 16);
    const s = new struct.Struct('<q');
    expect(s.unpackFrom(tracking, 8)).toEqual([0n]);
    const it = s.iterUnpack(fixed);
    rab.resize(8);
    expectError(() => s.unpackFrom(tracking, 8), 'StructError', 'unpack_from requires a buffer of at least 16 bytes for unpacking 8 bytes at offset 8 (actual buffer size is 8)');
    expectDetached(() => s.unpackFrom(fixed, 0));
    expectDetached(() => it.next());
    rab.resize(32);
    expect(s.unpackFrom(tracking, 24)).toEqual([0n]);
  });
});

describe('struct: iterUnpack', () => {
  test('is an iterable iterator with a length hint, return() and dispose', () => {
    const it = struct.iterUnpack('<H', Buffer.from([1, 0, 2, 0, 3, 0]));
    expect(it[Symbol.iterator]()).toBe(it);
    expect(it.lengthHint()).toBe(3);
    expect(it.next().value).toEqual([1]);
    expect(it.lengthHint()).toBe(2);
    expect(it.return()).toEqual({ value: undefined, done: true });
    expect(it.next().done).toBe(true);
    expect(it.lengthHint()).toBe(0);
    const it2 = new struct.Struct('<H').iterUnpack(new Uint8Array(4));
    it2[Symbol.dispose]();
    expect([...it2]).toEqual([]);
  });

  test('reads the bytes as they are when each record is read (like CPython, no copy)', () => {
    const buffer = Buffer.alloc(4);
    const it = struct.iterUnpack('<H', buffer);
    buffer[2] = 9;
    expect([...it]).toEqual([[0], [9]]);
  });

  test('a MemoryView source: the caller may release its own view meanwhile', () => {
    const view = memoryview(Buffer.from([1, 2, 3]));
    const it = struct.iterUnpack('B', view);
    view.release();
    expect([...it]).toEqual([[1], [2], [3]]);
  });
});

// ---------------------------------------------------------------- properties

const ORDERS = ['<', '>', '!', '='] as const;
const INT_SIZES: Record<string, [number, boolean]> = { b: [1, true], B: [1, false], h: [2, true], H: [2, false], i: [4, true], I: [4, false], l: [4, true], L: [4, false], q: [8, true], Q: [8, false] };

function intArbitrary(code: string, size: number, signed: boolean): fc.Arbitrary<number | bigint> {
  const bits = BigInt(size * 8);
  const min = signed ? -(1n << (bits - 1n)) : 0n;
  const max = signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
  const big = fc.bigInt({ min, max });
  // Number or bigint input alike; read back as number except for l L q Q.
  if (BIGINT_CODES.includes(code)) return fc.oneof(big, big.filter((v) => v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)).map(Number));
  return fc.oneof(big.map(Number), big);
}

function readBack(code: string, value: number | bigint): number | bigint {
  return BIGINT_CODES.includes(code) ? BigInt(value) : Number(value);
}

/** Exactly representable half floats: ±m·2^e with an 11-bit m. */
const halfArbitrary = fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 2047 }), fc.integer({ min: -24, max: 5 })).map(([negative, m, e]) => (negative ? -1 : 1) * m * 2 ** e).filter((x) => Math.abs(x) <= 65504);

describe('struct: properties', () => {
  for (const order of ORDERS) {
    for (const [code, [size, signed]] of Object.entries(INT_SIZES)) {
      test(`unpack(pack(x)) == x and pack agrees with DataView: '${order}${code}'`, () => {
        const fmt = `${order}${code}`;
        const le = order === '<' || (order === '=' && new Uint8Array(new Uint16Array([1]).buffer)[0] === 1);
        fc.assert(
          fc.property(intArbitrary(code, size, signed), (x) => {
            const packed = struct.pack(fmt, x);
            expect(struct.unpack(fmt, packed)).toEqual([readBack(code, x)]);
            const ref = new DataView(new ArrayBuffer(size));
            const v = BigInt(x);
            if (size === 8 && signed) ref.setBigInt64(0, v, le);
            else if (size === 8) ref.setBigUint64(0, v, le);
            else if (size === 4 && signed) ref.setInt32(0, Number(v), le);
            else if (size === 4) ref.setUint32(0, Number(v), le);
            else if (size === 2 && signed) ref.setInt16(0, Number(v), le);
            else if (size === 2) ref.setUint16(0, Number(v), le);
            else if (signed) ref.setInt8(0, Number(v));
            else ref.setUint8(0, Number(v));
            expect(packed).toEqual(Buffer.from(ref.buffer));
          }),
          { numRuns: 200 },
        );
      });
    }
    test(`floats round-trip and agree with DataView: '${order}d' '${order}f' '${order}e'`, () => {
      const le = order === '<' || (order === '=' && new Uint8Array(new Uint16Array([1]).buffer)[0] === 1);
      fc.assert(
        fc.property(fc.double(), fc.float({ noDefaultInfinity: false }), halfArbitrary, (d, f, e) => {
          const packed = struct.pack(`${order}dfe`, d, f, e);
          const [d2, f2, e2] = struct.unpack(`${order}dfe`, packed);
          expect(Object.is(d2, d)).toBe(true);
          expect(Object.is(f2, Math.fround(f)) || (Number.isNaN(f2) && Number.isNaN(f))).toBe(true);
          expect(Object.is(e2, e)).toBe(true);
          const ref = new DataView(new ArrayBuffer(12));
          ref.setFloat64(0, d, le);
          ref.setFloat32(8, f, le);
          expect(packed.subarray(0, 12)).toEqual(Buffer.from(ref.buffer));
        }),
        { numRuns: 300 },
      );
    });
  }

  test('native formats: random records round-trip and every pad byte is zero', () => {
    const codes = 'bBhHiIlLqQnNPefd?c'.split('');
    const valueFor = (code: string): fc.Arbitrary<unknown> => {
      if (code in INT_SIZES) return intArbitrary(code, code === 'l' || code === 'L' ? 8 : INT_SIZES[code][0], INT_SIZES[code][1]);
      if ('nNP'.includes(code)) return fc.bigInt({ min: 0n, max: 2n ** 63n - 1n });
      if (code === 'e') return halfArbitrary;
      if (code === 'f') return fc.float({ noNaN: true }).map(Math.fround);
      if (code === 'd') return fc.double({ noNaN: true });
      if (code === '?') return fc.boolean();
      return fc.integer({ min: 0, max: 255 }).map((b) => Buffer.from([b]));
    };
    const record = fc.array(fc.constantFrom(...codes), { minLength: 1, maxLength: 8 }).chain((cs) => fc.tuple(fc.constant(cs), fc.tuple(...cs.map(valueFor))));
    fc.assert(
      fc.property(record, ([cs, values]) => {
        const fmt = cs.join('');
        const packed = struct.pack(fmt, ...values);
        expect(packed.length).toBe(struct.calcsize(fmt));
        const back = struct.unpack(fmt, packed);
        back.forEach((v, i) => {
          const given = values[i];
          const want = typeof given === 'number' || typeof given === 'bigint' ? (cs[i] in INT_SIZES || 'nNP'.includes(cs[i]) ? readBack(cs[i], given) : Number(given)) : given;
          if (Buffer.isBuffer(want)) expect(v).toEqual(want);
          else expect(Object.is(v, want) || v === want).toBe(true);
        });
        // Re-packing into a dirty buffer gives the same bytes (pads zeroed).
        const dirty = Buffer.alloc(packed.length + 3, 0xff);
        new struct.Struct(fmt).packInto(dirty, 3, ...values);
        expect(dirty.subarray(3)).toEqual(packed);
      }),
      { numRuns: 300 },
    );
  });
});

test('an empty view over detached memory is an empty buffer, never an engine error (found by test/fuzz.test.ts)', () => {
  const ab = new ArrayBuffer(8);
  const empty = memoryview(ab).get(slice(0, 0));
  structuredClone(ab, { transfer: [ab] });
  expect(() => struct.packInto('B', empty, 0, 0)).toThrow(StructError);
  expect(() => struct.unpackFrom('B', empty)).toThrow(StructError);
  expect(struct.unpack('0s', empty)).toEqual([Buffer.alloc(0)]);
});
