#!/usr/bin/env node
// Why: scripts/valgrind-smoke.sh runs this under valgrind memcheck: one pass
// over every native path (format compiler, every view kernel, Array storage
// growth and shrinking, struct, mmap, buffers detached under live views), then
// everything dropped and collected, so that a block the addon allocated and
// never freed shows up as "definitely lost". Small sizes: valgrind is ~50× slower.
/* global structuredClone, setTimeout */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const memview = require(path.join(__dirname, '..', 'dist'));
const { memoryview, array, struct, slice } = memview;

function swallow(fn) {
  try {
    fn();
  } catch (error) {
    if (!String(error.code).startsWith('ERR_MEMVIEW_') && !error.code?.startsWith?.('E')) throw error;
  }
}

for (let round = 0; round < 20; round++) {
  // Views over JS memory: every kernel.
  const buf = Buffer.alloc(256, round);
  const m = memoryview(buf);
  const m2 = m.cast('H', [8, 16]);
  m2.toBytes('F');
  m2.get(slice(null, null, -1)).toBytes();
  m2.hex(':', 3);
  m2.equals(memoryview(new Uint16Array(128)).cast('B').cast('H', [8, 16]));
  m.cast('<d').toList();
  m.cast('>e').toList();
  m.get(slice(0, 252)).cast('<iHd').toList();
  m.count(round);
  swallow(() => m.index(255));
  m.get(slice(0, 128)).assign(m.get(slice(64, 192)));
  m.cast('d').count(0);
  m.cast('d').get(slice(null, null, 2)).equals(m.cast('d').get(slice(1, null, 2)));
  memoryview(new Float64Array([1, NaN, -0])).count(0);
  m.release();

  // Detached and shrunk buffers under live views.
  const ab = new ArrayBuffer(64);
  const v = memoryview(ab).cast('I');
  structuredClone(ab, { transfer: [ab] });
  swallow(() => v.toBytes());
  swallow(() => v.hex());
  swallow(() => v.equals(v));
  const rab = new ArrayBuffer(64, { maxByteLength: 128 });
  const rv = memoryview(rab);
  rab.resize(8);
  swallow(() => rv.toList());
  swallow(() => rv.get(slice(4)).assign(Buffer.alloc(60)));

  // Array storage: growth (realloc and copy), exports, shrinking.
  const a = array('d', [1, 2, 3]);
  for (let i = 0; i < 2000; i++) a.append(i);
  const exported = memoryview(a);
  swallow(() => a.append(1));
  exported.release();
  a.extend(new Float64Array(5000));
  a.extend(new Int32Array([1, 2, 3]));
  a.extend(memoryview(new Int16Array([4, 5])));
  a.delete(slice(0, 4000));
  a.byteswap();
  a.reverse();
  a.toBytes();
  a.repeat(3).toList();
  a.concat(a).count(0);
  const tv = memoryview(a);
  const typed = tv.toTypedArray();
  tv.release();
  typed[0] = 1; // keeps the old block alive past the clear() below
  a.clear();
  array('u', 'héllo').toUnicode();
  array('w', 'wörld').toString();
  swallow(() => array('b', [300]));

  // struct.
  const packed = struct.pack('<iHd3sp?e', 1, 2, 3.5, Buffer.from('abc'), Buffer.from('xy'), true, 1.5);
  struct.unpack('<iHd3sp?e', packed);
  const s = new struct.Struct('>QqhHbB');
  const out = Buffer.alloc(s.size * 10);
  for (let i = 0; i < 10; i++) s.packInto(out, i * s.size, 1n, -1n, -2, 3, -4, 5);
  for (const rec of s.iterUnpack(out)) void rec;
  swallow(() => struct.pack('b', 1000));
  swallow(() => struct.calcsize('999999999999999999999B'));
  swallow(() => memoryview(buf).cast('bad format'));
}

// mmap, when this checkout has it.
if (typeof memview.mmap === 'function') {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'memview-valgrind-')), 'f');
  fs.writeFileSync(file, Buffer.alloc(10000, 7));
  for (let i = 0; i < 50; i++) {
    const mm = memview.mmap(file, { mode: i % 2 ? 'r' : 'r+', offset: i });
    mm.cast('B').count(7);
    if (!mm.readonly) {
      mm.set(0, 1);
      memview.flush(mm);
    }
    mm.release();
  }
  memview.mmap(file); // dropped unreleased: the collector's job below
  fs.rmSync(path.dirname(file), { recursive: true });
}

// Views dropped without release(): their exports end when collected.
for (let i = 0; i < 200; i++) memoryview(array('i', [1, 2, 3]));
global.gc?.();
setTimeout(() => {
  global.gc?.();
  console.log('valgrind-smoke: done');
}, 100);
