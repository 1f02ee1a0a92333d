// The C-level buffer protocol (API.md §8): include/memview.h as another addon
// uses it. test/native/capi_test.c is that addon — C99, Node-API only, the
// header found through require('memview').include, memview never linked —
// built here with cmake-js into test/native/build (under the build lock that
// every native build takes). Groups follow the header: the include path and
// flags, memview_get_buffer / memview_release_buffer, memview_from_memory,
// the table (versions, envs and worker threads). What needs a fresh process
// (--expose-gc, env teardown, workers) runs test/native/*-child.js on the
// built package (dist/, as `npm test` builds it).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Array as MvArray, BUF, BufferError, MemoryView, ValueError, array, bufferProtocol, include, memoryview, slice } from '../lib';

interface Described {
  len: number;
  itemsize: number;
  readonly: boolean;
  ndim: number;
  format: string | null;
  shape: number[] | null;
  strides: number[] | null;
  hasBuf: boolean;
}
interface WrapOptions {
  len: number;
  format?: string;
  ndim?: number;
  shape?: number[];
  strides?: number[];
  readonly?: boolean;
  doubles?: boolean;
  tag?: number;
  nullData?: boolean;
  nullResult?: boolean;
  noFinalize?: boolean;
  bogusData?: boolean;
}
interface Addon {
  constants: Record<string, number>;
  sum(obj: unknown): number;
  scale(obj: unknown, factor: number): void;
  fill(obj: unknown, byte: number, flags?: number): void;
  describe(obj: unknown, flags: number): Described;
  hold(obj: unknown, flags: number): object;
  release(handle: object): void;
  heldInfo(handle: object): Described;
  heldByte(handle: object, i: number, value?: number): number;
  releaseWhileThrowing(handle: object): void;
  getBufferMisuse(kind: number, obj?: unknown): void;
  wrap(options: WrapOptions): MemoryView;
  finalized(): { count: number; wrongEnv: number };
  importApi(): void;
  swapTable(value: unknown): unknown;
  tableAddress(): bigint;
  fakeTable(version: number, size: number): object;
  cxxNbytes(obj: unknown): number;
}

const root = path.join(__dirname, '..');
const nativeDir = path.join(__dirname, 'native');
const addonPath = path.join(nativeDir, 'build', 'Release', 'memview_capi_test.node');
let addon: Addon;

beforeAll(() => {
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  execFileSync(
    'flock',
    ['/tmp/memview-build.lock', process.execPath, cmakeJs, 'compile', '--directory', nativeDir, '--out', path.join(nativeDir, 'build'), `--CDMEMVIEW_INCLUDE=${include}`],
    { cwd: nativeDir, stdio: 'pipe' },
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  addon = require(addonPath) as Addon;
  addon.importApi();
}, 300_000);

// Errors built natively are the main realm's, not jest's sandbox ones: match by name.
function named(name: string, code?: string, message?: string | RegExp): Error {
  const shape: Record<string, unknown> = { name };
  if (code !== undefined) shape.code = code;
  if (message !== undefined) shape.message = typeof message === 'string' ? message : expect.stringMatching(message);
  return expect.objectContaining(shape) as Error;
}

function doubles(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => i + 1);
}

describe('memview.h: include path and flags', () => {
  test("require('memview').include is the absolute, unquoted path of the folder holding memview.h", () => {
    expect(include).toBe(path.join(root, 'include'));
    expect(path.isAbsolute(include)).toBe(true);
    expect(include).not.toMatch(/"/);
    expect(fs.existsSync(path.join(include, 'memview.h'))).toBe(true);
  });

  test("MEMVIEW_BUF_* are CPython's PyBUF_* values, and BUF's", () => {
    const cpython: Record<string, number> = {
      SIMPLE: 0,
      WRITABLE: 0x1,
      FORMAT: 0x4,
      ND: 0x8,
      STRIDES: 0x18,
      C_CONTIGUOUS: 0x38,
      F_CONTIGUOUS: 0x58,
      ANY_CONTIGUOUS: 0x98,
      INDIRECT: 0x118,
      CONTIG: 0x9,
      CONTIG_RO: 0x8,
      STRIDED: 0x19,
      STRIDED_RO: 0x18,
      RECORDS: 0x1d,
      RECORDS_RO: 0x1c,
      FULL: 0x11d,
      FULL_RO: 0x11c,
    };
    for (const [name, value] of Object.entries(cpython)) {
      expect([name, addon.constants[`BUF_${name}`]]).toEqual([name, value]);
      expect([name, BUF[name as keyof typeof BUF]]).toEqual([name, value]);
    }
    expect(addon.constants.API_VERSION).toBe(1);
  });

  test('the header compiles as C++ too (a second translation unit of the addon)', () => {
    expect(addon.cxxNbytes(new Uint8Array(7))).toBe(7);
    expect(addon.cxxNbytes(array('d', [1, 2, 3]))).toBe(24);
  });
});

describe('memview_get_buffer / memview_release_buffer', () => {
  test("sums a strided 'd' view: memoryview(buf).cast('d').get(slice(null, null, 2))", () => {
    const buf = Buffer.from(doubles(6).buffer);
    const view = memoryview(buf).cast('d').get(slice(null, null, 2));
    expect(addon.sum(view)).toBe(1 + 3 + 5);
    expect(addon.describe(view, BUF.FULL_RO)).toEqual({ len: 24, itemsize: 8, readonly: false, ndim: 1, format: 'd', shape: [3], strides: [16], hasBuf: true });
    view.release(); // the export ended with the call
  });

  test('accepts anything memoryview() accepts', () => {
    const f = doubles(4); // 1 2 3 4
    const sab = new SharedArrayBuffer(32);
    new Float64Array(sab).set(f);
    const sources: [string, unknown][] = [
      ['Float64Array', f],
      ['Array', array('d', [1, 2, 3, 4])],
      ['MemoryView', memoryview(f)],
      ['SharedArrayBuffer view', memoryview(sab).cast('d')],
      ['share() descriptor', memoryview(sab).cast('d').share()],
      ['[bufferProtocol] object', { [bufferProtocol]: () => memoryview(f) }],
      ['2-D view', memoryview(f).cast('B').cast('d', [2, 2])],
      ['transposed (F-order) view', memoryview({ ...memoryview(sab).cast('d').share(), shape: [2, 2], strides: [8, 16] })],
      ['reversed view', memoryview(f).get(slice(null, null, -1))],
    ];
    for (const [name, source] of sources) expect([name, addon.sum(source)]).toEqual([name, 10]);
    for (const bytes of [Buffer.alloc(5), new Uint8Array(5), new DataView(new ArrayBuffer(5)), new ArrayBuffer(5), new SharedArrayBuffer(5)]) {
      expect(addon.describe(bytes, BUF.FULL_RO)).toMatchObject({ len: 5, itemsize: 1, format: 'B', shape: [5], strides: [1] });
    }
    expect(addon.describe(memoryview(doubles(4)).get(slice(null, null, -1)), BUF.STRIDED_RO)).toMatchObject({ strides: [-8] });
  });

  test("fills in what was asked, as CPython's memoryview: no FORMAT → NULL ('B'), no ND → 1-D bytes, no STRIDES → NULL", () => {
    const grid = memoryview(doubles(6)).cast('B').cast('d', [2, 3]);
    expect(addon.describe(grid, BUF.FULL_RO)).toEqual({ len: 48, itemsize: 8, readonly: false, ndim: 2, format: 'd', shape: [2, 3], strides: [24, 8], hasBuf: true });
    expect(addon.describe(grid, BUF.ND)).toEqual({ len: 48, itemsize: 8, readonly: false, ndim: 2, format: null, shape: [2, 3], strides: null, hasBuf: true });
    expect(addon.describe(grid, BUF.SIMPLE)).toEqual({ len: 48, itemsize: 8, readonly: false, ndim: 1, format: null, shape: null, strides: null, hasBuf: true });
    expect(addon.describe(grid, BUF.STRIDES)).toMatchObject({ format: null, shape: [2, 3], strides: [24, 8] });
    const scalar = memoryview(new Float64Array([2.5])).cast('B').cast('<d', []);
    expect(addon.describe(scalar, BUF.RECORDS_RO)).toEqual({ len: 8, itemsize: 8, readonly: false, ndim: 0, format: '<d', shape: [], strides: [], hasBuf: true });
    expect(addon.describe(memoryview(Buffer.alloc(16)).cast('<iHxx'), BUF.RECORDS_RO)).toMatchObject({ format: '<iHxx', itemsize: 8, shape: [2] });
    expect(addon.describe(memoryview(Buffer.alloc(4)).toReadonly(), BUF.FULL_RO)).toMatchObject({ readonly: true });
    expect(addon.describe(new Uint8Array(0), BUF.FULL_RO)).toMatchObject({ len: 0, shape: [0] });
  });

  test('writes through a writable buffer, and JS sees them', () => {
    const buf = Buffer.alloc(6);
    addon.fill(buf, 7);
    expect([...buf]).toEqual([7, 7, 7, 7, 7, 7]);
    const f = doubles(6);
    addon.scale(memoryview(f).get(slice(1, null, 2)), 10);
    expect([...f]).toEqual([1, 20, 3, 40, 5, 60]);
    const a = array('d', [1, 2]);
    addon.scale(a, -1);
    expect(a.toList()).toEqual([-1, -2]);
    const sub = memoryview(buf).get(slice(2, 4));
    addon.fill(sub, 1, BUF.CONTIG);
    expect([...buf]).toEqual([7, 7, 1, 1, 7, 7]);
  });

  // Each row as CPython 3.11 answers _testbuffer.ndarray(view, getbuf=flags).
  test("refuses requests the view cannot meet with BufferError, in CPython's words", () => {
    const strided = memoryview(doubles(6)).get(slice(null, null, 2));
    const grid = memoryview(doubles(6)).cast('B').cast('d', [2, 3]);
    const reversedGrid = grid.get(slice(null, null, -1));
    const readonly = memoryview(Buffer.alloc(8)).toReadonly();
    const emptyReversed = memoryview(doubles(4)).get(slice(null, null, -1)).get(slice(0, 0)) as MemoryView;
    const cases: [string, MemoryView, number, string, string][] = [
      ['C_CONTIGUOUS of strided', strided, BUF.C_CONTIGUOUS, 'ERR_MEMVIEW_CONTIGUITY', 'memoryview: underlying buffer is not C-contiguous'],
      ['F_CONTIGUOUS of strided', strided, BUF.F_CONTIGUOUS, 'ERR_MEMVIEW_CONTIGUITY', 'memoryview: underlying buffer is not Fortran contiguous'],
      ['ANY_CONTIGUOUS of strided', strided, BUF.ANY_CONTIGUOUS, 'ERR_MEMVIEW_CONTIGUITY', 'memoryview: underlying buffer is not contiguous'],
      ['ND (no strides) of strided', strided, BUF.ND, 'ERR_MEMVIEW_CONTIGUITY', 'memoryview: underlying buffer is not C-contiguous'],
      ['SIMPLE of strided', strided, BUF.SIMPLE, 'ERR_MEMVIEW_CONTIGUITY', 'memoryview: underlying buffer is not C-contiguous'],
      ['F_CONTIGUOUS of a C-order grid', grid, BUF.F_CONTIGUOUS, 'ERR_MEMVIEW_CONTIGUITY', 'memoryview: underlying buffer is not Fortran contiguous'],
      ['ANY_CONTIGUOUS of a reversed grid', reversedGrid, BUF.ANY_CONTIGUOUS, 'ERR_MEMVIEW_CONTIGUITY', 'memoryview: underlying buffer is not contiguous'],
      ['SIMPLE of an empty reversed view', emptyReversed, BUF.SIMPLE, 'ERR_MEMVIEW_CONTIGUITY', 'memoryview: underlying buffer is not C-contiguous'],
      ['WRITABLE of readonly', readonly, BUF.WRITABLE, 'ERR_MEMVIEW_READONLY', 'memoryview: underlying buffer is not writable'],
      ['CONTIG of readonly', readonly, BUF.CONTIG, 'ERR_MEMVIEW_READONLY', 'memoryview: underlying buffer is not writable'],
      ['SIMPLE | FORMAT', grid, BUF.SIMPLE | BUF.FORMAT, 'ERR_MEMVIEW_FORMAT', 'memoryview: cannot cast to unsigned bytes if the format flag is present'],
    ];
    for (const [name, view, flags, code, message] of cases) {
      let error: unknown;
      try {
        addon.describe(view, flags);
      } catch (e) {
        error = e;
      }
      expect([name, error]).toEqual([name, named('BufferError', code, message)]);
      expect(error).toBeInstanceOf(BufferError);
    }
    expect(addon.describe(grid.get(slice(null, null, -1)), BUF.STRIDED_RO)).toMatchObject({ strides: [-24, 8] });
    // A refused request leaves no export behind.
    for (const view of new Set(cases.map((c) => c[1]))) view.release();
    expect(addon.describe(memoryview({ ...memoryview(new SharedArrayBuffer(48)).cast('d').share(), shape: [3, 2], strides: [8, 24] }), BUF.F_CONTIGUOUS)).toMatchObject({ shape: [3, 2] });
  });

  test('what memoryview() refuses is refused the same way; released and detached views are ValueErrors', () => {
    expect(() => addon.sum(42)).toThrow(named('TypeError', 'ERR_MEMVIEW_TYPE'));
    expect(() => addon.sum({})).toThrow(named('TypeError'));
    const released = memoryview(doubles(2));
    released.release();
    expect(() => addon.sum(released)).toThrow(named('ValueError', 'ERR_MEMVIEW_RELEASED'));
    const ab = new ArrayBuffer(16);
    const dead = memoryview(ab).cast('d');
    structuredClone(ab, { transfer: [ab] });
    expect(() => addon.sum(dead)).toThrow(named('ValueError', 'ERR_MEMVIEW_DETACHED'));
    expect(addon.describe(ab, BUF.FULL_RO)).toMatchObject({ len: 0, shape: [0] }); // as memoryview(detached buffer): empty
    dead.release();
    // Zero strides can describe more bytes than C can count: refused, not wrapped around.
    const endless = memoryview({ ...memoryview(new SharedArrayBuffer(8)).cast('d').share(), shape: [2 ** 31, 2 ** 31], strides: [0, 0] });
    expect(() => addon.describe(endless, BUF.FULL_RO)).toThrow(named('ValueError', 'ERR_MEMVIEW_SHAPE', /product\(shape\) \* itemsize is too large/));
    endless.release();
  });

  test('an export locks the view against release() until memview_release_buffer', () => {
    const view = memoryview(doubles(4));
    const handle = addon.hold(view, BUF.FULL_RO);
    const second = addon.hold(view, BUF.SIMPLE);
    expect(() => view.release()).toThrow(named('BufferError', 'ERR_MEMVIEW_EXPORTED', 'memoryview has 2 exported buffers'));
    addon.release(second);
    expect(() => view.release()).toThrow(named('BufferError', 'ERR_MEMVIEW_EXPORTED', 'memoryview has 1 exported buffer'));
    expect(view.isReleased).toBe(false);
    // Derived views are not exports of `view`: they come and go freely.
    view.get(slice(1)).release();
    expect(addon.heldInfo(handle)).toMatchObject({ format: 'd', shape: [4] });
    addon.release(handle);
    expect(addon.heldInfo(handle)).toEqual({ len: 0, itemsize: 0, readonly: false, ndim: 0, format: null, shape: null, strides: null, hasBuf: false });
    addon.release(handle); // a second release does nothing
    view.release();
    expect(view.isReleased).toBe(true);
  });

  test('an export of an Array (or of a view over it) stops it resizing until the release; its memory stays put', () => {
    const items = array('B', [1, 2, 3]);
    const handle = addon.hold(items, BUF.CONTIG);
    expect(() => items.append(4)).toThrow(named('BufferError', 'ERR_MEMVIEW_EXPORTED'));
    expect(() => items.pop()).toThrow(BufferError);
    items.set(0, 9); // items can still be written, and C sees them
    expect(addon.heldByte(handle, 0)).toBe(9);
    addon.heldByte(handle, 2, 42);
    expect(items.toList()).toEqual([9, 2, 42]);
    addon.release(handle);
    items.append(4);
    expect(items.toList()).toEqual([9, 2, 42, 4]);

    const view = memoryview(items);
    const viaView = addon.hold(view, BUF.FULL_RO);
    (view.get(slice(1)) as MemoryView).release();
    expect(() => view.release()).toThrow(BufferError);
    expect(() => items.extend([5])).toThrow(BufferError);
    addon.release(viaView);
    view.release();
    items.extend([5]);
    expect(items.length).toBe(5);
    expect(items).toBeInstanceOf(MvArray);
  });

  test('a release with a JS exception pending keeps that exception and still ends the export', () => {
    const view = memoryview(doubles(2));
    const handle = addon.hold(view, BUF.SIMPLE);
    expect(() => addon.releaseWhileThrowing(handle)).toThrow(expect.objectContaining({ code: 'E_CONSUMER', message: "the consumer's own error" }));
    view.release();
    expect(view.isReleased).toBe(true);
  });

  test('bad arguments are ValueErrors, never crashes: NULL view, NULL obj, unknown flags', () => {
    const view = memoryview(doubles(2));
    expect(() => addon.getBufferMisuse(0, view)).toThrow(named('ValueError', 'ERR_MEMVIEW_CAPI', 'memview_get_buffer: view is NULL'));
    expect(() => addon.getBufferMisuse(1)).toThrow(named('ValueError', 'ERR_MEMVIEW_CAPI', 'memview_get_buffer: obj is NULL'));
    expect(() => addon.getBufferMisuse(2, view)).toThrow(named('ValueError', 'ERR_MEMVIEW_CAPI', /unknown request flags 512/));
    expect(() => addon.getBufferMisuse(3, view)).toThrow(ValueError);
    view.release();
  });
});

describe('memview_from_memory', () => {
  test('wraps C memory as a MemoryView (obj null) that JS and C read and write alike', () => {
    const view = addon.wrap({ len: 32, format: 'd', doubles: true });
    expect(view).toBeInstanceOf(MemoryView);
    expect([view.obj, view.format, view.shape, view.strides, view.readonly]).toEqual([null, 'd', [4], [8], false]);
    expect(view.toList()).toEqual([0, 1, 2, 3]);
    view.set(0, 10);
    expect(addon.sum(view)).toBe(16);
    addon.scale(view.get(slice(null, null, 2)), 2);
    expect(view.toList()).toEqual([20, 1, 4, 3]);
    const typed = view.toTypedArray() as Float64Array;
    expect(Array.from(typed)).toEqual([20, 1, 4, 3]);
    view.release();
  });

  test('any shape and strides that stay inside [0, len); format NULL is "B"', () => {
    const c = addon.wrap({ len: 48, format: 'd', ndim: 2, shape: [2, 3], doubles: true });
    expect([c.shape, c.strides, c.toList()]).toEqual([[2, 3], [24, 8], [[0, 1, 2], [3, 4, 5]]]);
    const f = addon.wrap({ len: 48, format: 'd', ndim: 2, shape: [3, 2], strides: [8, 24], doubles: true });
    expect([f.fContiguous, f.toList()]).toEqual([true, [[0, 3], [1, 4], [2, 5]]]);
    const gaps = addon.wrap({ len: 40, format: '<d', ndim: 1, shape: [3], strides: [16], doubles: true });
    expect(gaps.toList()).toEqual([0, 2, 4]);
    const scalar = addon.wrap({ len: 8, format: 'q', ndim: 0 });
    expect([scalar.ndim, scalar.get()]).toEqual([0, 0n]);
    const bytes = addon.wrap({ len: 3 });
    expect([bytes.format, bytes.shape]).toEqual(['B', [3]]);
    const empty = addon.wrap({ len: 0, nullData: true });
    expect([empty.nbytes, empty.toList()]).toEqual([0, []]);
    const none = addon.wrap({ len: 0, format: 'd', ndim: 2, shape: [0, 5], strides: [1000, 8] });
    expect(none.shape).toEqual([0, 5]);
    for (const view of [c, f, gaps, scalar, bytes, empty, none]) view.release();
  });

  test('readonly memory stays readonly, for JS and for C', () => {
    const view = addon.wrap({ len: 16, format: 'd', readonly: true });
    expect(view.readonly).toBe(true);
    expect(() => view.set(0, 1)).toThrow(named('TypeError', 'ERR_MEMVIEW_READONLY'));
    expect(() => addon.describe(view, BUF.WRITABLE)).toThrow(named('BufferError', 'ERR_MEMVIEW_READONLY'));
    expect(() => view.toTypedArray()).toThrow(named('TypeError'));
    view.release();
  });

  test('arguments that do not describe a valid buffer are ValueErrors, and memview takes nothing', () => {
    const before = addon.finalized().count;
    const cases: [string, WrapOptions, string, RegExp][] = [
      ['NULL data with len > 0', { len: 8, nullData: true }, 'ERR_MEMVIEW_SHAPE', /data is NULL but len is 8/],
      ['negative len', { len: -1 }, 'ERR_MEMVIEW_SHAPE', /len must not be negative/],
      ['ndim 65', { len: 8, ndim: 65, shape: Array(65).fill(1) }, 'ERR_MEMVIEW_SHAPE', /ndim must be 0 … 64, not 65/],
      ['ndim -1', { len: 8, ndim: -1 }, 'ERR_MEMVIEW_SHAPE', /ndim must be 0 … 64, not -1/],
      ['negative shape', { len: 8, ndim: 2, shape: [2, -1] }, 'ERR_MEMVIEW_SHAPE', /shape\[1\] is negative \(-1\)/],
      ['shape NULL for ndim 2', { len: 8, ndim: 2 }, 'ERR_MEMVIEW_SHAPE', /shape is NULL for ndim 2/],
      ['product(shape) * itemsize != len', { len: 20, format: 'd', ndim: 1, shape: [3] }, 'ERR_MEMVIEW_SHAPE', /product\(shape\) \* itemsize \(24\) != len \(20\)/],
      ['len not a multiple of itemsize', { len: 10, format: 'd' }, 'ERR_MEMVIEW_SHAPE', /not a multiple of itemsize/],
      ['strides past len', { len: 24, format: 'd', ndim: 1, shape: [3], strides: [16] }, 'ERR_MEMVIEW_SHAPE', /strides reach outside \[0, len\)/],
      ['negative strides before data', { len: 24, format: 'd', ndim: 1, shape: [3], strides: [-8] }, 'ERR_MEMVIEW_SHAPE', /strides reach outside/],
      ['overflowing strides', { len: 24, format: 'd', ndim: 2, shape: [3, 2 ** 40], strides: [2 ** 52, 2 ** 52] }, 'ERR_MEMVIEW_SHAPE', /too large|outside/],
      ['0-d item past len', { len: 4, format: 'd', ndim: 0 }, 'ERR_MEMVIEW_SHAPE', /product\(shape\) \* itemsize \(8\) != len \(4\)/],
      ['bad format', { len: 8, format: 'Z' }, 'ERR_MEMVIEW_FORMAT', /./],
      ['no-value format', { len: 8, format: '8x' }, 'ERR_MEMVIEW_FORMAT', /./],
      ['NULL result', { len: 8, nullResult: true }, 'ERR_MEMVIEW_CAPI', /result is NULL/],
    ];
    for (const [name, options, code, message] of cases) {
      let error: unknown;
      try {
        addon.wrap(options);
      } catch (e) {
        error = e;
      }
      expect([name, error]).toEqual([name, named('ValueError', code, message)]);
    }
    expect(addon.finalized().count).toBe(before);
  });

  test('more than one ArrayBuffer can hold (Node 20: 4 GiB) is a MemoryError, and memview takes nothing', () => {
    const before = addon.finalized().count;
    // The test addon passes an address that nobody touches: only the wrapping is tried.
    const huge = { len: 2 ** 32 + 8, bogusData: true, noFinalize: true };
    if (Number(process.versions.node.split('.')[0]) <= 20) {
      expect(() => addon.wrap(huge)).toThrow(named('MemoryError', 'ERR_MEMVIEW_NO_MEMORY', /cannot wrap 4294967304 bytes in one ArrayBuffer/));
    } else {
      const view = addon.wrap(huge);
      expect(view.nbytes).toBe(2 ** 32 + 8);
      view.release();
    }
    expect(addon.finalized().count).toBe(before);
  });

  test('finalize runs exactly once, after the last view and typed array are gone (released or collected) or at env teardown', () => {
    const out = execFileSync(process.execPath, ['--expose-gc', path.join(nativeDir, 'gc-child.js'), addonPath], { encoding: 'utf8' });
    const [report, ...rest] = out.trim().split('\n');
    expect(JSON.parse(report)).toEqual({
      firstViewDropped: 0, // a slice and a typed array still alive
      sliceStillReads: 2,
      viewsDropped: 0, // the typed array still alive
      typedStillReads: 3,
      typedArrayDropped: 1,
      oneOfTwoReleased: 1, // release() of one view of two: not yet
      bothReleased: 2, // the last release frees it, no GC needed
      heldAndDropped: 2, // a C export holds its view
      heldReleased: 3,
      wrongEnv: 0, // finalize gets the env that made the view
    });
    expect(rest).toEqual(['finalized 99']); // alive until exit: the env's teardown
  });
});

describe('the table: versions and envs', () => {
  test('an older or shorter table fails with an Error naming both versions; the real one imports again', () => {
    const real = addon.swapTable(addon.fakeTable(0, 8));
    try {
      expect(() => addon.importApi()).toThrow(
        named('Error', 'ERR_MEMVIEW_CAPI', /built with memview\.h for C API version 1 \(\d+-byte table\), but the memview loaded in this env provides version 0 \(8-byte table\)/),
      );
      // Calls after a failed import look again, and fail the same way.
      expect(() => addon.sum(doubles(2))).toThrow(named('Error', 'ERR_MEMVIEW_CAPI', /provides version 0/));
      addon.swapTable(addon.fakeTable(1, 8));
      expect(() => addon.importApi()).toThrow(named('Error', 'ERR_MEMVIEW_CAPI', /version 1 \(\d+-byte table\), but .* provides version 1 \(8-byte table\)/));
      addon.swapTable({});
      expect(() => addon.importApi()).toThrow(named('Error', 'ERR_MEMVIEW_CAPI', /is not memview's C API table/));
      addon.swapTable(undefined);
      expect(() => addon.importApi()).toThrow(named('Error', 'ERR_MEMVIEW_CAPI', /not loaded in this env/));
    } finally {
      addon.swapTable(real);
    }
    addon.importApi();
    expect(addon.sum(doubles(3))).toBe(6);
    // A newer table (version 2, longer) is fine for a version 1 header.
    const newer = addon.fakeTable(2, 4096);
    addon.swapTable(newer);
    try {
      expect(() => addon.importApi()).not.toThrow();
    } finally {
      addon.swapTable(real);
      addon.importApi();
    }
  });

  test('lib/ loaded twice in one env (a fresh module registry): an export started by one copy ends through the other', () => {
    const script = `
      const addon = require(${JSON.stringify(addonPath)});
      const first = require(${JSON.stringify(root)});
      const view = first.memoryview(new Float64Array([1, 2]));
      const handle = addon.hold(view, 0);
      for (const file of Object.keys(require.cache)) if (file.includes('/dist/')) delete require.cache[file];
      const second = require(${JSON.stringify(root)});
      let locked = false;
      try { view.release(); } catch (error) { locked = error.name === 'BufferError'; }
      addon.release(handle);
      view.release();
      console.log(JSON.stringify([second !== first, locked, view.isReleased, addon.sum(second.memoryview(new Float64Array([1, 2])))]));`;
    expect(JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }))).toEqual([true, true, true, 3]);
  });

  test('loads in several worker threads at once, each env with its own table', () => {
    const workers = 4;
    const out = execFileSync(process.execPath, [path.join(nativeDir, 'workers-child.js'), addonPath, String(workers)], { encoding: 'utf8' });
    const report = JSON.parse(out) as {
      main: { sum: number; locked: boolean; table: string };
      after: { sum: number; locked: boolean; table: string };
      workers: { sum: number; locked: boolean; table: string }[];
      finalized: number;
      wrongEnv: number;
    };
    expect(report.workers).toHaveLength(workers);
    const tables = [report.main.table, ...report.workers.map((w) => w.table)];
    expect(new Set(tables).size).toBe(workers + 1);
    expect(report.after.table).toBe(report.main.table);
    report.workers.forEach((w, i) => expect(w).toMatchObject({ sum: 992 + 32 * (i + 1), locked: true }));
    expect(report.main).toMatchObject({ sum: 992, locked: true });
    // 200 wrapped blocks released per exercise (main twice, each worker once),
    // plus one per worker left alive and finalized by its env's teardown.
    expect(report.finalized).toBe(200 * (2 + workers) + workers);
    expect(report.wrongEnv).toBe(0);
  });
});
