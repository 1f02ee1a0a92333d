// Record formats in views (API.md §1 beyond: any struct format is a view format),
// checked against the struct module through the public API only: a view cast
// to '<iHd' reads and writes exactly the records struct packs.
import * as fc from 'fast-check';
import { ValueError, memoryview, struct } from '../lib';

const RECORDS: [string, unknown[][]][] = [
  ['<iHd', [[1, 2, 3.5], [-1, 65535, -0.25], [2 ** 31 - 1, 0, Infinity]]],
  ['>iHd', [[7, 8, 9.5], [-7, 1, 1e300]]],
  ['2h x d', [[1, -2, 0.5], [32767, -32768, -1e-300]]],
  ['<2h x d', [[3, 4, 5.5]]],
  ['=bBq?', [[-1, 255, -(2n ** 63n), true], [0, 0, 0n, false]]],
  ['<e3x?c', [[1.5, true, Buffer.from('z')]]],
];

function packAll(fmt: string, records: unknown[][]): Buffer {
  return Buffer.concat(records.map((r) => struct.pack(fmt, ...r)));
}

describe('record views agree with struct', () => {
  test.each(RECORDS)('%j: itemsize, get, toList', (fmt, records) => {
    const bytes = packAll(fmt, records);
    const view = memoryview(bytes).cast(fmt);
    expect(view.itemsize).toBe(struct.calcsize(fmt));
    expect(view.format).toBe(fmt);
    expect(view.length).toBe(records.length);
    const expected = [...struct.iterUnpack(fmt, bytes)];
    records.forEach((_, i) => expect(view.get(i)).toEqual(expected[i]));
    expect(view.toList()).toEqual(expected);
  });

  // Over zeroed memory: struct zeroes pad bytes (as CPython), a view's set writes the values only.
  test.each(RECORDS)('%j: set writes what struct.packInto writes', (fmt, records) => {
    const size = struct.calcsize(fmt);
    const viaView = Buffer.alloc(size * records.length);
    const viaStruct = Buffer.alloc(size * records.length);
    const view = memoryview(viaView).cast(fmt);
    records.forEach((r, i) => {
      view.set(i, r);
      struct.packInto(fmt, viaStruct, i * size, ...r);
    });
    expect(viaView.toString('hex')).toBe(viaStruct.toString('hex'));
  });

  test.each(RECORDS)('%j: equals compares records value by value', (fmt, records) => {
    const bytes = packAll(fmt, records);
    const a = memoryview(bytes).cast(fmt);
    const b = memoryview(Buffer.from(bytes)).cast(fmt);
    expect(a.equals(b)).toBe(a.toList().every((r) => (r as unknown[]).every((v) => !(typeof v === 'number' && Number.isNaN(v)))));
    if (records.length > 0) {
      const changed = Buffer.from(bytes);
      const first = struct.unpackFrom(fmt, changed, 0);
      const i = first.findIndex((v) => typeof v === 'number' || typeof v === 'bigint');
      first[i] = typeof first[i] === 'bigint' ? (first[i] === 0n ? 1n : 0n) : first[i] === 0 ? 1 : 0;
      struct.packInto(fmt, changed, 0, ...first);
      expect(a.equals(memoryview(changed).cast(fmt))).toBe(false);
    }
  });

  test("'4s' views have scalar Buffer items", () => {
    const view = memoryview(Buffer.from('abcdefgh')).cast('4s');
    expect(view.itemsize).toBe(4);
    expect(view.get(1)).toEqual(Buffer.from('efgh'));
    expect(view.toList()).toEqual(struct.unpack('4s4s', Buffer.from('abcdefgh')));
    view.set(0, Buffer.from('xy'));
    expect(view.toList()).toEqual([Buffer.from('xy\0\0'), Buffer.from('efgh')]);
  });

  test('formats without values or of item size 0 are not view formats', () => {
    expect(() => memoryview(Buffer.alloc(4)).cast('4x')).toThrow(ValueError);
    expect(() => memoryview(Buffer.alloc(4)).cast('0s')).toThrow(ValueError);
  });

  test("property: random '<iHd' records read back through a view as struct unpacks them", () => {
    const rec = fc.tuple(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 65535 }), fc.double());
    fc.assert(
      fc.property(fc.array(rec, { minLength: 1, maxLength: 20 }), (records) => {
        const bytes = packAll('<iHd', records);
        const view = memoryview(bytes).cast('<iHd');
        expect(view.toList()).toEqual([...struct.iterUnpack('<iHd', bytes)]);
      }),
      { numRuns: 100 },
    );
  });
});
