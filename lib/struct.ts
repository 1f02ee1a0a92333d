// struct.ts — Python's struct module (API.md §5): pack and unpack records of
// C values to and from bytes, with CPython's formats, sizes, alignment, range
// checks and messages, and API.md §1's JS value rules.
//
// Who owns what: C++ compiles the format (format.ts, cached); layout.ts gives
// one read/write/convert closure per value; this file composes those closures
// once per compiled format into an Engine (cached with the format, shared by
// every Struct and by the module functions) and owns the CPython argument,
// buffer and offset rules. Nothing here parses a format or knows a code.
//
// Speed (bench/struct.bench.js, issue 5): per-record calls never cross into
// native and never allocate a DataView. Plain JS sources (Buffer, typed arrays,
// DataView, ArrayBuffer, SharedArrayBuffer) are read through one DataView over
// the whole ArrayBuffer last seen, with the source's byteOffset added (see
// openSpan for when the source's window is re-measured). Records of up to 3
// values (4 for reading) get unrolled closures: a loop over per-value closures
// costs 3–10× more, and a rest parameter another allocation per call. Longer
// records use loops.
//
// Safety: converters never call user code, so every value is converted before
// the first byte is written (a failed packInto writes nothing). Every access
// runs inside `try`: an engine error there can only mean the memory went away
// (detached, transferred or shrunk), and is rethrown as ValueError
// ERR_MEMVIEW_DETACHED.
//
// MemoryView and Array sources go through memoryview(source) and
// internalSpan() (C-contiguous or BufferError; writable or TypeError); the
// view is released before the call returns, so operations never leave an
// export behind — except iterUnpack's iterator, which holds its view until it
// is exhausted or closed, as CPython's holds its buffer.
import { OverflowError, StructError, ValueError, typeError } from './errors';
import { CompiledFormat, FormatMode, compileFormat, typeName } from './format';
import { Read, ValueCodec, Write, valueCodecs } from './layout';
import { BufferSource, MemoryView, internalSpan, memoryview } from './memoryview';
import { canChangeLength, plainSource } from './sources';
import { Converted, Converter } from './values';

/** What unpack returns: numbers, bigints, booleans and Buffers, as the format's codes say (API.md §1). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each value's type depends on the format
export type UnpackedValues = any[];

// ---------------------------------------------------------------- errors

function detachedError(): ValueError {
  return new ValueError('underlying buffer is detached or out of bounds', 'ERR_MEMVIEW_DETACHED');
}

/** An error thrown while touching memory: ours pass through, the engine's mean the memory went away. */
function accessError(error: unknown): unknown {
  if ((error instanceof TypeError || error instanceof RangeError) && !('code' in error)) return detachedError();
  return error;
}

function isDetached(buffer: ArrayBufferLike): boolean {
  if (buffer.byteLength !== 0) return false;
  const detached = (buffer as { detached?: boolean }).detached;
  if (typeof detached === 'boolean') return detached;
  try {
    new DataView(buffer);
    return false;
  } catch {
    return true;
  }
}

function countError(verb: 'pack' | 'pack_into', expected: number, got: number): StructError {
  return new StructError(`${verb} expected ${expected} items for packing (got ${got})`);
}

function packIntoArgsError(nargs: number, expected: number): StructError {
  if (nargs === 0) return new StructError('pack_into expected buffer argument');
  if (nargs === 1) return new StructError('pack_into expected offset argument');
  return countError('pack_into', expected, nargs - 2);
}

// ---------------------------------------------------------------- buffers

// The last plain source seen, and a DataView over its whole ArrayBuffer (see
// the banner). In Node 20 each typed-array getter (buffer, byteOffset,
// byteLength) costs ~17 ns, more than a whole record, so they are read once per
// source: `lastSource` is kept only when its buffer can never resize, where its
// window can change only by detaching — and then every DataView access throws,
// which accessError turns into ValueError. Sources over resizable or growable
// buffers are measured afresh on every call.
// No source: a private object, so that null/undefined never match it.
const NO_SOURCE: object = Object.freeze({});
let lastSource: unknown = NO_SOURCE;
let lastBuffer: ArrayBufferLike | null = null;
let lastView: DataView = new DataView(new ArrayBuffer(0));
let lastBase = 0;
let lastLength = 0;

// Where the current call's bytes are: spanView offsets [spanBase, spanBase + spanLength).
// Set by openSpan, read right after it; no user code runs in between.
let spanView: DataView = lastView;
let spanBase = 0;
let spanLength = 0;
let spanBuffer: ArrayBufferLike | null = null;
/** The view openSpan made for a MemoryView or Array source, to release after the call; else null. */
let spanOwner: MemoryView | null = null;

/**
 * Finds `source`'s bytes (sets the span* variables). The hot paths skip it:
 * they test `source === lastSource` and read last* directly (writing the span
 * variables costs as much as packing a record).
 */
function openSpan(source: unknown, writable: boolean): void {
  if (source === lastSource) {
    spanView = lastView;
    spanBuffer = lastBuffer;
    spanBase = lastBase;
    spanLength = lastLength;
    spanOwner = null;
    return;
  }
  openSpanSlow(source, writable);
}

function openSpanSlow(source: unknown, writable: boolean): void {
  let plain: ReturnType<typeof plainSource>;
  try {
    plain = plainSource(source);
  } catch {
    throw detachedError(); // a DataView of detached or shrunk memory (sources.ts)
  }
  if (plain === undefined) {
    openViewSpan(source, writable);
    return;
  }
  const { buffer, byteOffset: base, byteLength: length } = plain;
  if (buffer !== lastBuffer) {
    let view: DataView;
    try {
      view = new DataView(buffer);
    } catch {
      throw detachedError();
    }
    lastBuffer = buffer;
    lastView = view;
  }
  lastSource = canChangeLength(buffer) ? NO_SOURCE : source;
  lastBase = base;
  lastLength = length;
  spanView = lastView;
  spanBuffer = buffer;
  spanBase = base;
  spanLength = length;
  spanOwner = null;
}

function openViewSpan(source: unknown, writable: boolean): void {
  if (typeof source !== 'object' || source === null) {
    throw typeError(`a bytes-like object is required, not '${typeName(source)}'`);
  }
  const view = memoryview(source as BufferSource);
  let span: { dv: DataView; byteOffset: number; byteLength: number };
  try {
    span = internalSpan(view, writable);
  } catch (error) {
    view.release();
    throw error;
  }
  spanView = span.dv;
  spanBuffer = null;
  spanBase = span.byteOffset;
  spanLength = span.byteLength;
  spanOwner = view;
}

/** Releases the view openSpan made, if any. */
function closeSpan(owner: MemoryView | null): void {
  if (owner !== null) owner.release();
}

/** The error for a span shorter than needed: detached memory, else `structError`. */
function shortSpan(structError: StructError): Error {
  return spanBuffer !== null && isDetached(spanBuffer) ? detachedError() : structError;
}

// ---------------------------------------------------------------- offsets

const SSIZE_MAX = (1n << 63n) - 1n;

/** CPython's Py_ssize_t argument: an integer number or bigint, as a number (BigInt when beyond 2⁵³). */
function toOffset(offset: unknown): number | bigint {
  if (typeof offset === 'number' && Number.isSafeInteger(offset)) return offset;
  let big: bigint;
  if (typeof offset === 'bigint') big = offset;
  else if (typeof offset === 'number' && Number.isInteger(offset)) big = BigInt(offset);
  else throw typeError(`'${typeName(offset)}' object cannot be interpreted as an integer`);
  if (big > SSIZE_MAX || big < -SSIZE_MAX - 1n) throw new OverflowError('Python int too large to convert to C ssize_t');
  return big >= -Number.MAX_SAFE_INTEGER && big <= Number.MAX_SAFE_INTEGER ? Number(big) : big;
}

/**
 * CPython's unpack_from/pack_into offset rules, for a `size`-byte record in a
 * `length`-byte buffer: negative offsets count from the end. Returns the
 * offset from the start of the buffer, or throws StructError.
 */
function resolveOffset(rawOffset: unknown, size: number, length: number, packing: boolean): number {
  if (inRange(rawOffset, size, length)) return rawOffset;
  const offset = toOffset(rawOffset);
  let at = BigInt(offset);
  const n = BigInt(size);
  const len = BigInt(length);
  if (at < 0n) {
    if (at + n > 0n) {
      throw new StructError(packing ? `no space to pack ${size} bytes at offset ${offset}` : `not enough data to unpack ${size} bytes at offset ${offset}`);
    }
    if (at + len < 0n) throw shortSpan(new StructError(`offset ${offset} out of range for ${length}-byte buffer`));
    at += len;
  }
  if (len - at < n) {
    throw shortSpan(
      new StructError(
        packing
          ? `pack_into requires a buffer of at least ${n + at} bytes for packing ${size} bytes at offset ${at} (actual buffer size is ${length})`
          : `unpack_from requires a buffer of at least ${n + at} bytes for unpacking ${size} bytes at offset ${at} (actual buffer size is ${length})`,
      ),
    );
  }
  return Number(at);
}

// ---------------------------------------------------------------- engines

type ReadRecord = (dv: DataView, at: number) => UnpackedValues;
type WriteRecord = (dv: DataView, at: number, values: readonly Converted[]) => void;
type PackFn = (...values: unknown[]) => Buffer;
type PackIntoFn = (buffer: BufferSource, offset: number | bigint, ...values: unknown[]) => void;

/** Everything a compiled format needs to pack and unpack, built once per format. */
interface Engine {
  readonly compiled: CompiledFormat;
  readonly size: number;
  readonly read: ReadRecord;
  readonly pack: PackFn;
  readonly packValues: (values: ArrayLike<unknown>) => Buffer;
  readonly packInto: PackIntoFn;
  /** packInto with the values as an array; `nargs` counts buffer and offset too (CPython's messages). */
  readonly packIntoValues: (buffer: unknown, offset: unknown, values: ArrayLike<unknown>, nargs: number) => void;
  readonly unpack: (buffer: BufferSource) => UnpackedValues;
  readonly unpackFrom: (buffer: BufferSource, offset?: number | bigint) => UnpackedValues;
}

const engines = new WeakMap<CompiledFormat, Engine>();
// The module functions' last format: a loop calling struct.unpackFrom(fmt, …)
// with one format then costs one string comparison.
let lastFormat: unknown = null;
let lastEngine: Engine | null = null;

function engineOf(fmt: unknown): Engine {
  if (fmt === lastFormat && lastEngine !== null) return lastEngine;
  const compiled = compileFormat(fmt, FormatMode.Struct);
  let engine = engines.get(compiled);
  if (engine === undefined) {
    engine = makeEngine(compiled);
    engines.set(compiled, engine);
  }
  lastFormat = fmt;
  lastEngine = engine;
  return engine;
}

function recordReader(codecs: readonly ValueCodec[]): ReadRecord {
  const reads: Read[] = codecs.map((c) => c.read);
  switch (reads.length) {
    case 0:
      return () => [];
    case 1: {
      const [r0] = reads;
      return (dv, at) => [r0(dv, at)];
    }
    case 2: {
      const [r0, r1] = reads;
      return (dv, at) => [r0(dv, at), r1(dv, at)];
    }
    case 3: {
      const [r0, r1, r2] = reads;
      return (dv, at) => [r0(dv, at), r1(dv, at), r2(dv, at)];
    }
    case 4: {
      const [r0, r1, r2, r3] = reads;
      return (dv, at) => [r0(dv, at), r1(dv, at), r2(dv, at), r3(dv, at)];
    }
    default:
      return (dv, at) => {
        const out: unknown[] = [];
        for (let i = 0; i < reads.length; i++) out.push(reads[i](dv, at));
        return out;
      };
  }
}

function recordWriter(codecs: readonly ValueCodec[]): WriteRecord {
  const writes: Write[] = codecs.map((c) => c.write);
  switch (writes.length) {
    case 0:
      return () => {};
    case 1: {
      const [w0] = writes;
      return (dv, at, xs) => w0(dv, at, xs[0]);
    }
    case 2: {
      const [w0, w1] = writes;
      return (dv, at, xs) => {
        w0(dv, at, xs[0]);
        w1(dv, at, xs[1]);
      };
    }
    case 3: {
      const [w0, w1, w2] = writes;
      return (dv, at, xs) => {
        w0(dv, at, xs[0]);
        w1(dv, at, xs[1]);
        w2(dv, at, xs[2]);
      };
    }
    default:
      return (dv, at, xs) => {
        for (let i = 0; i < writes.length; i++) writes[i](dv, at, xs[i]);
      };
  }
}

/** [start, end) byte ranges of a record that no value covers. */
function gapsOf(compiled: CompiledFormat): number[] {
  const gaps: number[] = [];
  let covered = 0;
  for (const field of compiled.fields) {
    const start = field.offset;
    const end = field.kind === 'bytes' || field.kind === 'pascal' ? start + field.size : start + field.size * field.count;
    if (start > covered) gaps.push(covered, start);
    covered = Math.max(covered, end);
  }
  if (compiled.itemsize > covered) gaps.push(covered, compiled.itemsize);
  return gaps;
}

function gapZeroer(compiled: CompiledFormat): (dv: DataView, at: number) => void {
  const gaps = gapsOf(compiled);
  if (gaps.length === 0) return () => {};
  return (dv, at) => {
    for (let g = 0; g < gaps.length; g += 2) {
      const start = at + gaps[g];
      const end = at + gaps[g + 1];
      if (end - start > 16) new Uint8Array(dv.buffer, dv.byteOffset + start, end - start).fill(0);
      else for (let k = start; k < end; k++) dv.setUint8(k, 0);
    }
  };
}

// pack's results come from a pool of our own, as Buffer.allocUnsafe's do from
// Node's, so that no getter is read and the DataView over the pool is made once
// per pool. Each result is a distinct Buffer over its own bytes of the pool.
const POOL_SIZE = 8192;
let pool = new ArrayBuffer(POOL_SIZE);
let poolView = new DataView(pool);
let poolOffset = 0;

/** A new Buffer for one packed record; sets spanView/spanBase to where it is. */
function newRecord(size: number): Buffer {
  if (size > POOL_SIZE >>> 1) {
    const out = Buffer.allocUnsafe(size);
    spanView = new DataView(out.buffer, out.byteOffset, size);
    spanBase = 0;
    return out;
  }
  if (poolOffset + size > POOL_SIZE) {
    pool = new ArrayBuffer(POOL_SIZE);
    poolView = new DataView(pool);
    poolOffset = 0;
  }
  const out = Buffer.from(pool, poolOffset, size);
  spanView = poolView;
  spanBase = poolOffset;
  poolOffset = (poolOffset + size + 7) & ~7; // 8-aligned, as Node's pool
  return out;
}

/** The fast-path test: an integer offset, 0 ≤ offset ≤ length − size. */
function inRange(offset: unknown, size: number, length: number): offset is number {
  return typeof offset === 'number' && offset >= 0 && offset <= length - size && Math.floor(offset) === offset;
}

function makeEngine(compiled: CompiledFormat): Engine {
  const size = compiled.itemsize;
  const codecs = valueCodecs(compiled, 'struct');
  const nvalues = codecs.length;
  const read = recordReader(codecs);
  const write = recordWriter(codecs);
  const zeroGaps = gapZeroer(compiled);
  const converters: Converter[] = codecs.map((c) => c.convert);
  const converted: Converted[] = new Array<Converted>(nvalues).fill(0);

  const convert = (values: ArrayLike<unknown>, start: number): Converted[] => {
    for (let i = 0; i < nvalues; i++) converted[i] = converters[i](values[start + i]);
    return converted;
  };

  // The general forms take the values as an array. The fixed-arity forms below
  // are the same steps unrolled, for records of 1–3 values.
  const packValues = (values: ArrayLike<unknown>): Buffer => {
    if (values.length !== nvalues) throw countError('pack', nvalues, values.length);
    const xs = convert(values, 0);
    const out = newRecord(size);
    zeroGaps(spanView, spanBase);
    write(spanView, spanBase, xs);
    return out;
  };
  /** packInto once openSpan has run: CPython's order is offset, then values, then memory. */
  const packIntoSpan = (rawOffset: unknown, values: ArrayLike<unknown>, start: number): void => {
    const owner = spanOwner;
    try {
      const at = spanBase + resolveOffset(rawOffset, size, spanLength, true);
      const dv = spanView;
      const xs = convert(values, start);
      try {
        zeroGaps(dv, at);
        write(dv, at, xs);
      } catch (error) {
        throw accessError(error);
      }
    } finally {
      closeSpan(owner);
    }
  };

  const packIntoValues = (buffer: unknown, offset: unknown, values: ArrayLike<unknown>, nargs: number, start = 0): void => {
    if (nargs !== nvalues + 2) throw packIntoArgsError(nargs, nvalues);
    openSpan(buffer, true);
    packIntoSpan(offset, values, start);
  };

  let pack: PackFn;
  let packInto: PackIntoFn;
  const [c0, c1, c2] = converters;
  const [w0, w1, w2] = codecs.map((c) => c.write);
  switch (nvalues) {
    case 1:
      pack = function (a: unknown) {
        if (arguments.length !== 1) throw countError('pack', 1, arguments.length);
        const x0 = c0(a);
        const out = newRecord(size);
        zeroGaps(spanView, spanBase);
        w0(spanView, spanBase, x0);
        return out;
      };
      packInto = function (buffer: unknown, offset: unknown, a: unknown) {
        if (arguments.length !== 3) throw packIntoArgsError(arguments.length, 1);
        if (buffer !== lastSource || !inRange(offset, size, lastLength)) return packIntoValues(buffer, offset, [a], arguments.length);
        const dv = lastView;
        const at = lastBase + offset;
        const x0 = c0(a);
        try {
          zeroGaps(dv, at);
          w0(dv, at, x0);
        } catch (error) {
          throw accessError(error);
        }
      };
      break;
    case 2:
      pack = function (a: unknown, b: unknown) {
        if (arguments.length !== 2) throw countError('pack', 2, arguments.length);
        const x0 = c0(a);
        const x1 = c1(b);
        const out = newRecord(size);
        zeroGaps(spanView, spanBase);
        w0(spanView, spanBase, x0);
        w1(spanView, spanBase, x1);
        return out;
      };
      packInto = function (buffer: unknown, offset: unknown, a: unknown, b: unknown) {
        if (arguments.length !== 4) throw packIntoArgsError(arguments.length, 2);
        if (buffer !== lastSource || !inRange(offset, size, lastLength)) return packIntoValues(buffer, offset, [a, b], arguments.length);
        const dv = lastView;
        const at = lastBase + offset;
        const x0 = c0(a);
        const x1 = c1(b);
        try {
          zeroGaps(dv, at);
          w0(dv, at, x0);
          w1(dv, at, x1);
        } catch (error) {
          throw accessError(error);
        }
      };
      break;
    case 3:
      pack = function (a: unknown, b: unknown, c: unknown) {
        if (arguments.length !== 3) throw countError('pack', 3, arguments.length);
        const x0 = c0(a);
        const x1 = c1(b);
        const x2 = c2(c);
        const out = newRecord(size);
        zeroGaps(spanView, spanBase);
        w0(spanView, spanBase, x0);
        w1(spanView, spanBase, x1);
        w2(spanView, spanBase, x2);
        return out;
      };
      packInto = function (buffer: unknown, offset: unknown, a: unknown, b: unknown, c: unknown) {
        if (arguments.length !== 5) throw packIntoArgsError(arguments.length, 3);
        if (buffer !== lastSource || !inRange(offset, size, lastLength)) return packIntoValues(buffer, offset, [a, b, c], arguments.length);
        const dv = lastView;
        const at = lastBase + offset;
        const x0 = c0(a);
        const x1 = c1(b);
        const x2 = c2(c);
        try {
          zeroGaps(dv, at);
          w0(dv, at, x0);
          w1(dv, at, x1);
          w2(dv, at, x2);
        } catch (error) {
          throw accessError(error);
        }
      };
      break;
    default:
      pack = (...values: unknown[]) => packValues(values);
      packInto = (...args: unknown[]) => packIntoValues(args[0], args[1], args, args.length, 2);
  }

  const unpack = (buffer: BufferSource): UnpackedValues => {
    openSpan(buffer, false);
    const owner = spanOwner;
    try {
      if (spanLength !== size) throw shortSpan(new StructError(`unpack requires a buffer of ${size} bytes`));
      return read(spanView, spanBase);
    } catch (error) {
      throw accessError(error);
    } finally {
      closeSpan(owner);
    }
  };

  const unpackFrom = (buffer: BufferSource, offset: unknown = 0): UnpackedValues => {
    if (buffer === lastSource && inRange(offset, size, lastLength)) {
      try {
        return read(lastView, lastBase + offset);
      } catch (error) {
        throw accessError(error);
      }
    }
    openSpan(buffer, false);
    const owner = spanOwner;
    try {
      return read(spanView, spanBase + resolveOffset(offset, size, spanLength, false));
    } catch (error) {
      throw accessError(error);
    } finally {
      closeSpan(owner);
    }
  };

  return { compiled, size, read, pack, packValues, packInto, packIntoValues, unpack, unpackFrom };
}

// ---------------------------------------------------------------- iterUnpack

/**
 * struct.iterUnpack's iterator: one record per step. It keeps a DataView over
 * exactly the bytes it was given (a detached or shrunk buffer then throws
 * ValueError instead of reading), and for a MemoryView or Array source holds
 * that view's export until it is exhausted or closed (return(), a `for…of`
 * that exits early, `using`).
 */
export class StructIterator implements IterableIterator<UnpackedValues> {
  private readonly read: ReadRecord;
  private readonly size: number;
  private dv: DataView;
  private at: number;
  /** Records are read while at < end; closing sets both to 0 (one compare per step). */
  private end: number;
  private owner: MemoryView | null;

  /** @internal */
  constructor(read: ReadRecord, size: number, dv: DataView, at: number, end: number, owner: MemoryView | null) {
    this.read = read;
    this.size = size;
    this.dv = dv;
    this.at = at;
    this.end = end;
    this.owner = owner;
  }

  next(): IteratorResult<UnpackedValues, undefined> {
    const at = this.at;
    if (at < this.end) {
      this.at = at + this.size;
      try {
        return { value: this.read(this.dv, at), done: false };
      } catch (error) {
        this.close();
        throw accessError(error);
      }
    }
    this.close();
    return { value: undefined, done: true };
  }

  /** Records not yet read (CPython's __length_hint__). */
  lengthHint(): number {
    return (this.end - this.at) / this.size;
  }

  return(): IteratorResult<UnpackedValues, undefined> {
    this.close();
    return { value: undefined, done: true };
  }

  [Symbol.iterator](): this {
    return this;
  }

  [Symbol.dispose](): void {
    this.close();
  }

  private close(): void {
    this.at = 0;
    this.end = 0;
    this.dv = CLOSED;
    const owner = this.owner;
    if (owner !== null) {
      this.owner = null;
      owner.release();
    }
  }
}

const CLOSED = new DataView(new ArrayBuffer(0));

function iterUnpackWith(engine: Engine, buffer: BufferSource): StructIterator {
  const size = engine.size;
  if (size === 0) throw new StructError('cannot iteratively unpack with a struct of length 0');
  openSpan(buffer, false);
  const owner = spanOwner;
  try {
    if (spanLength % size !== 0) {
      throw shortSpan(new StructError(`iterative unpacking requires a buffer of a multiple of ${size} bytes`));
    }
    if (owner !== null) return new StructIterator(engine.read, size, spanView, spanBase, spanBase + spanLength, owner);
    // Its own DataView over exactly these bytes: the shared one follows other calls.
    let dv: DataView;
    try {
      dv = new DataView(spanBuffer as ArrayBufferLike, spanBase, spanLength);
    } catch {
      throw detachedError();
    }
    return new StructIterator(engine.read, size, dv, 0, spanLength, null);
  } catch (error) {
    closeSpan(owner);
    throw error;
  }
}

// ---------------------------------------------------------------- Struct

/** A compiled format (CPython's struct.Struct): the module's functions minus `fmt`, plus `size` and `format`. */
export class Struct {
  /** The format string, as given. */
  readonly format: string;
  /** calcsize(format): the bytes of one record. */
  readonly size: number;
  /** pack(...values): a new Buffer of `size` bytes. */
  readonly pack: (...values: unknown[]) => Buffer;
  /** packInto(buffer, offset, ...values): writes one record at `offset` (negative: from the end). */
  readonly packInto: (buffer: BufferSource, offset: number | bigint, ...values: unknown[]) => void;
  /** unpack(buffer): the values of a buffer of exactly `size` bytes. */
  readonly unpack: (buffer: BufferSource) => UnpackedValues;
  /** unpackFrom(buffer, offset = 0): the values of the record at `offset` (negative: from the end). */
  readonly unpackFrom: (buffer: BufferSource, offset?: number | bigint) => UnpackedValues;
  /** iterUnpack(buffer): an iterator over the records of a buffer whose size is a multiple of `size`. */
  readonly iterUnpack: (buffer: BufferSource) => StructIterator;

  // Methods are the engine's closures themselves (shared by every Struct of
  // the same format): no forwarding layer, no rest parameters on the hot path,
  // and they work detached from the object (`const { unpackFrom } = s`).
  constructor(format: string) {
    const engine = engineOf(format);
    this.format = format;
    this.size = engine.size;
    this.pack = engine.pack;
    this.packInto = engine.packInto;
    this.unpack = engine.unpack;
    this.unpackFrom = engine.unpackFrom;
    this.iterUnpack = (buffer: BufferSource) => iterUnpackWith(engine, buffer);
  }

  toString(): string {
    return `Struct(${pyStr(this.format)})`;
  }

  /** util.inspect shows the repr, not the method fields. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** Python's repr of a format (quotes never occur in a valid one; whitespace may). */
function pyStr(text: string): string {
  const escapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\v': '\\x0b', '\f': '\\x0c' };
  return `'${text.replace(/[\\\t\n\r\v\f]/g, (c) => escapes[c])}'`;
}

// ---------------------------------------------------------------- module functions

/** The size in bytes of a record of `fmt`. */
function calcsize(fmt: string): number {
  return compileFormat(fmt, FormatMode.Struct).itemsize;
}

/** The values packed as `fmt` says, in a new Buffer. */
function pack(fmt: string, ...values: unknown[]): Buffer {
  return engineOf(fmt).packValues(values);
}

/** Packs the values as `fmt` says into `buffer` at `offset` (negative: from the end). */
function packInto(fmt: string, buffer: BufferSource, offset: number | bigint, ...values: unknown[]): void {
  engineOf(fmt).packIntoValues(buffer, offset, values, arguments.length - 1);
}

/** The values of `buffer`, which must be exactly calcsize(fmt) bytes. */
function unpack(fmt: string, buffer: BufferSource): UnpackedValues {
  return engineOf(fmt).unpack(buffer);
}

/** The values of the record at `offset` in `buffer` (negative: from the end). */
function unpackFrom(fmt: string, buffer: BufferSource, offset: number | bigint = 0): UnpackedValues {
  return engineOf(fmt).unpackFrom(buffer, offset);
}

/** An iterator over the records of `buffer`, whose size must be a multiple of calcsize(fmt). */
function iterUnpack(fmt: string, buffer: BufferSource): StructIterator {
  return iterUnpackWith(engineOf(fmt), buffer);
}

/** Python's struct module (API.md §5). */
export const struct = Object.freeze({
  calcsize,
  pack,
  packInto,
  unpack,
  unpackFrom,
  iterUnpack,
  Struct,
  StructError,
  /** CPython's name for StructError. */
  error: StructError,
});

// Types under the namespace's name, so that `struct.Struct` works as a type too.
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace struct {
  type Struct = import('./struct').Struct;
  type StructError = import('./errors').StructError;
  type error = import('./errors').StructError;
  type StructIterator = import('./struct').StructIterator;
}
