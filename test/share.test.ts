// share() across workers (API.md §3): a view over a SharedArrayBuffer becomes a
// structured-cloneable descriptor, a worker_thread rebuilds the same view with
// memoryview(descriptor) and writes through it, and the main thread sees the
// writes. Workers load the built package (dist/) in their own env: the addon
// is context-aware.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { MemoryView, SharedDescriptor, ValueError, array, memoryview, slice } from '../lib';

const dist = path.join(__dirname, '..', 'dist');

// Errors thrown by native code are the main realm's TypeError, not jest's sandbox one: match by name.
function named(name: string, code?: string): Error {
  return expect.objectContaining(code === undefined ? { name } : { name, code }) as Error;
}

/**
 * Runs `body` in a new worker with `descriptor` rebuilt as `view` (and `data`
 * as given); resolves with what the body returns.
 */
function inWorker(descriptor: SharedDescriptor, body: string, data: unknown = null): Promise<unknown> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const memview = require(${JSON.stringify(dist)});
    const { memoryview, slice } = memview;
    const view = memoryview(workerData.descriptor);
    const data = workerData.data;
    const result = (() => { ${body} })();
    view.release();
    parentPort.postMessage(result === undefined ? null : result);`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: { descriptor, data } });
    let result: unknown;
    worker.on('message', (message) => (result = message));
    worker.on('error', reject);
    worker.on('exit', (exitCode) => (exitCode === 0 ? resolve(result) : reject(new Error(`worker exited with ${exitCode}`))));
  });
}

describe('share()', () => {
  test('the descriptor: buffer, byteOffset, format, shape, strides, readonly — and it survives structuredClone', () => {
    const sab = new SharedArrayBuffer(64);
    const m = memoryview(sab).cast('i', [4, 4]);
    const d = m.get(slice(1, null, 2), slice(null, null, -1)).share();
    expect(d).toEqual({ buffer: sab, byteOffset: 16 + 12, format: 'i', shape: [2, 4], strides: [32, -4], readonly: false });
    const clone = structuredClone(d);
    expect(clone.buffer).not.toBe(sab);
    const rebuilt = memoryview(clone);
    m.set([1, 3], 99);
    expect(rebuilt.get(0, 0)).toBe(99);
    expect(memoryview(sab).toReadonly().share().readonly).toBe(true);
  });

  test('a worker rebuilds the view and writes; the main thread sees the writes', async () => {
    const sab = new SharedArrayBuffer(8 * 10);
    const m = memoryview(new Float64Array(sab));
    m.set(0, 1.5);
    const seen = await inWorker(m.share(), 'const before = view.get(0); for (let i = 0; i < view.length; i++) view.set(i, i * 2.5); return [before, view.format, view.length];');
    expect(seen).toEqual([1.5, 'd', 10]);
    expect(m.toList()).toEqual([0, 2.5, 5, 7.5, 10, 12.5, 15, 17.5, 20, 22.5]);
  });

  test('4 workers fill disjoint strided row sets of one 2-D view; the whole is as expected', async () => {
    const rows = 16;
    const cols = 6;
    const sab = new SharedArrayBuffer(rows * cols * 4);
    const whole = memoryview(sab).cast('i', [rows, cols]);
    const parts = [0, 1, 2, 3].map((w) => whole.get(slice(w, null, 4)) as MemoryView);
    await Promise.all(
      parts.map((part, w) =>
        inWorker(
          part.share(),
          `const [r, c] = view.shape;
           for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) view.set([i, j], data + 1);`,
          w,
        ),
      ),
    );
    const expected = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, () => (i % 4) + 1));
    expect(whole.toList()).toEqual(expected);
    for (const part of parts) part.release();
  });

  test('a readonly descriptor rebuilds a readonly view', async () => {
    const sab = new SharedArrayBuffer(4);
    const seen = await inWorker(memoryview(sab).toReadonly().share(), 'try { view.set(0, 1); return "wrote"; } catch (e) { return [view.readonly, e.name, e.code]; }');
    expect(seen).toEqual([true, 'TypeError', 'ERR_MEMVIEW_READONLY']);
  });

  test('share() of a view that is not over a SharedArrayBuffer: TypeError', () => {
    for (const m of [memoryview(Buffer.alloc(8)), memoryview(new ArrayBuffer(8)), memoryview(new Int16Array(4)), memoryview(array('i', [1, 2]))]) {
      expect(() => m.share()).toThrow(named('TypeError', 'ERR_MEMVIEW_TYPE'));
      m.release();
    }
  });

  test('share() of a released view: ValueError', () => {
    const m = memoryview(new SharedArrayBuffer(8));
    m.release();
    expect(() => m.share()).toThrow(expect.objectContaining({ name: 'ValueError', code: 'ERR_MEMVIEW_RELEASED' }));
  });

  test('descriptors reaching outside the buffer: ValueError', () => {
    const sab = new SharedArrayBuffer(32);
    const good: SharedDescriptor = { buffer: sab, byteOffset: 0, format: 'i', shape: [8], strides: [4], readonly: false };
    expect(memoryview(good).length).toBe(8);
    const bad: Partial<SharedDescriptor>[] = [
      { shape: [9] },
      { byteOffset: 4 },
      { byteOffset: 32, shape: [1] },
      { byteOffset: -4 },
      { strides: [8] },
      { strides: [-4] },
      { byteOffset: 28, strides: [-4], shape: [9] },
      { format: 'd', shape: [5], strides: [8] },
      { shape: [2, 5], strides: [16, 4] },
      { shape: [2 ** 40], strides: [4] },
    ];
    for (const change of bad) {
      expect(() => memoryview({ ...good, ...change })).toThrow(ValueError);
    }
    // Reversed, inside: fine.
    const reversed = memoryview({ ...good, byteOffset: 28, strides: [-4] });
    expect(reversed.length).toBe(8);
    // Strides that are not multiples of the item size (overlapping items), inside: fine.
    new Int32Array(sab).set([0, 1, 2, 3, 4, 5, 6, 7]);
    const overlapping = memoryview({ ...good, format: 'd', shape: [5], strides: [4] });
    const bytes = Buffer.from(sab);
    const expected = [0, 1, 2, 3, 4].map((i) => bytes.readDoubleLE(4 * i));
    expect(overlapping.toList()).toEqual(expected);
    expect([0, 1, 2, 3, 4].map((i) => overlapping.get(i))).toEqual(expected);
    const rows = memoryview({ ...good, shape: [3, 2], strides: [6, 4], byteOffset: 2 });
    expect(rows.toList()).toEqual([0, 1, 2].map((r) => [0, 1].map((c) => bytes.readInt32LE(2 + 6 * r + 4 * c))));
  });
});

test('count and index over a stride-0 descriptor of 2**52 items answer at once', () => {
  const sab = new SharedArrayBuffer(8);
  new Float64Array(sab)[0] = 2.5;
  const same = memoryview({ buffer: sab, byteOffset: 0, format: 'd', shape: [2 ** 52], strides: [0], readonly: false });
  expect(same.count(2.5)).toBe(2 ** 52);
  expect(same.count(1)).toBe(0);
  expect(same.index(2.5, 7)).toBe(7);
  expect(same.index(2.5, -3)).toBe(2 ** 52 - 3);
  expect(() => same.index(1)).toThrow(ValueError);
});

test('toList/toJSON of more items than a JS array holds is a MemoryError (found by test/fuzz.test.ts)', () => {
  const sab = new SharedArrayBuffer(8);
  const huge = memoryview({ buffer: sab, byteOffset: 0, format: 'B', shape: [2 ** 53 - 1, 0], strides: [0, 0], readonly: false });
  expect(() => huge.toList()).toThrow(expect.objectContaining({ name: 'MemoryError', code: 'ERR_MEMVIEW_NO_MEMORY' }));
  expect(() => JSON.stringify(huge)).toThrow(expect.objectContaining({ name: 'MemoryError' }));
});
