// Where a source's bytes are is asked of the engine, not of the object: a
// typed array subclass (or an own accessor) that reports another buffer,
// offset or length cannot redirect memoryview, struct or Array, and none of
// its getters runs (sources.ts, plainSource).
import { array, memoryview, struct } from '../lib';

class Lying extends Int8Array {
  static reads = 0;
  override get buffer(): ArrayBuffer {
    Lying.reads++;
    return new ArrayBuffer(64);
  }
  override get byteOffset(): number {
    Lying.reads++;
    return 1;
  }
  override get byteLength(): number {
    Lying.reads++;
    return 1;
  }
}

test('a typed array subclass that lies about its bytes is read for what it is', () => {
  const source = new Lying([1, 2, 3, 4]);
  Lying.reads = 0;
  const m = memoryview(source);
  expect(m.nbytes).toBe(4);
  expect(m.get(0)).toBe(1); // the item fast path (the array itself)
  expect(m.toList()).toEqual([1, 2, 3, 4]); // the checked path (the same bytes)
  m.set(3, 9);
  expect(source[3]).toBe(9);
  expect(struct.unpackFrom('4b', source)).toEqual([1, 2, 3, 9]);
  const fromBytes = array('b');
  fromBytes.fromBytes(source);
  expect(fromBytes.toList()).toEqual([1, 2, 3, 9]);
  const extended = array('b');
  extended.extend(source);
  expect(extended.toList()).toEqual([1, 2, 3, 9]);
  expect(Lying.reads).toBe(0);
});

test('a DataView with lying own accessors is read for what it is', () => {
  const dv = new DataView(new Uint8Array([5, 6, 7]).buffer, 1, 2);
  Object.defineProperty(dv, 'byteOffset', { get: () => 0 });
  Object.defineProperty(dv, 'byteLength', { get: () => 3 });
  expect(memoryview(dv).toList()).toEqual([6, 7]);
  expect(struct.unpackFrom('2B', dv)).toEqual([6, 7]);
});

test('a view of a length-tracking typed array over a growable SharedArrayBuffer keeps its length', () => {
  const sab = new (SharedArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => SharedArrayBuffer & { grow(n: number): void; growable?: boolean })(8, { maxByteLength: 16 });
  if (sab.growable !== true) return; // no growable SharedArrayBuffers on this Node
  const tracking = new Uint8Array(sab);
  const m = memoryview(tracking);
  for (let i = 0; i < 1000; i++) m.get(i % 8);
  sab.grow(16);
  expect(tracking.length).toBe(16);
  expect(m.length).toBe(8);
  expect(() => m.get(8)).toThrow(expect.objectContaining({ name: 'IndexError', code: 'ERR_MEMVIEW_INDEX' }));
});
