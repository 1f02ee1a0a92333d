// array.ts — Python's array.array (API.md §4): a growable sequence of one
// typecode's items in natively owned memory.
//
// Memory: the items live in a native storage block (binding/storage.cc), never
// in an ArrayBuffer that JS could transfer or detach. This file reaches the
// block through a typed array (`#data`, spanning the whole capacity; items
// past `_length` are garbage) over the owner's ArrayBuffer from storage_view:
// a true private field, so no code outside this class ever holds it, and
// native detaches it whenever the block changes, so it can never point at
// freed memory. Growing is one native call (amortised O(1) append: capacity
// grows by half again); every per-item read and write is a plain typed-array
// access in JS.
//
// Exports (API.md §3 lifetime): [kExport]() hands a MemoryView a fresh external
// ArrayBuffer over the current block and counts the export until its
// release(). While any export is live, every operation that would change the
// length (and so possibly move the block) throws BufferError before changing
// anything; reads and writes of items go on.
//
// Values follow API.md §1 through values.ts's converters (rejections as
// array.array's: TypeError, OverflowError). Converting never calls user code,
// and every operation converts all its values before it touches memory, so a
// failing call leaves the array as it was.
import * as fs from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import { native } from './binding';
import { typedArrayTypeOf } from './access';
import { BufferError, EOFError, IndexError, MemoryError, ValueError, typeError } from './errors';
import { ExportedMemory, kExport } from './exporter';
import { CompiledFormat, FormatMode, compileFormat, typeName } from './format';
import { MemoryView } from './memoryview';
import { pyFloatRepr, pyStrRepr } from './pyrepr';
import { Index, Slice } from './slice';
import { PlainSource, plainSource, typedArrayFormat } from './sources';
import { makeConverter } from './values';

interface StorageNative {
  storage_new(nbytes: number): object;
  storage_resize(handle: object, nbytes: number, keepBytes: number, ownerView: ArrayBufferLike): ArrayBuffer;
  storage_view(handle: object): ArrayBuffer;
  storage_arraybuffer(handle: object): ArrayBuffer;
  storage_address(handle: object): bigint;
}
const storage = native as unknown as StorageNative;

// Bulk kernels of binding/view_js.cc (optional: the JS paths below do the same work).
interface ViewKernels {
  view_convert?(dst: DataView, dstOffset: number, dstFormat: object, src: DataView, srcOrigin: number, shape: number[], srcStrides: number[], srcFormat: object, overflowClass: 'value' | 'overflow'): void;
  view_find?(mem: DataView, origin: number, length: number, stride: number, itemsize: number, pattern: Uint8Array, start: number, stop: number, firstOnly: boolean): number;
  view_find_float?(mem: DataView, origin: number, length: number, stride: number, format: object, value: number, start: number, stop: number, firstOnly: boolean): number;
}
const kernels = native as unknown as ViewKernels;

/** The typed array over a block: numbers, bigints (l L q Q) or code points (u w). */
interface Store {
  [index: number]: number | bigint;
  readonly length: number;
  readonly buffer: ArrayBufferLike;
  set(source: ArrayLike<number | bigint>, offset?: number): void;
  subarray(begin?: number, end?: number): Store;
  copyWithin(target: number, start: number, end?: number): Store;
  indexOf(value: number | bigint, fromIndex?: number): number;
  reverse(): Store;
}
type StoreConstructor = {
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): Store;
  new (length: number): Store;
};

/** From this many items on, count/index scan natively (SIMD) rather than in JS (bench/array.bench.js). */
const NATIVE_SEARCH = 4096;

/** Largest byte size of one Array: what a Buffer or typed array may span here. */
const MAX_BYTES = Math.min(bufferConstants.MAX_LENGTH, Number.MAX_SAFE_INTEGER);

// ---------------------------------------------------------------- per-typecode facts

/** What this file needs to know about a typecode, all derived from its compiled format. */
interface Traits {
  readonly typecode: string;
  readonly compiled: CompiledFormat;
  readonly itemsize: number;
  readonly Typed: StoreConstructor;
  /** Elements of Typed are bigints (BigInt64Array, BigUint64Array). */
  readonly bigElements: boolean;
  /** Items are code points, read as one-character strings (u, w). */
  readonly wchar: boolean;
  /** Items are floats (f, d): repr'd as Python floats. */
  readonly float: boolean;
  /** Items read as bigints from number elements (a 4-byte long, off Linux). */
  readonly widenToBigInt: boolean;
  /** JS value → element value; throws TypeError / OverflowError. */
  readonly convert: ElementConverter;
}

type ElementConverter = (value: unknown) => number | bigint;

const traitsCache = new Map<string, Traits>();

// The typed array over an Array's items: access.ts's type for the format, or, where
// JS has none of that width, the same-width unsigned/signed integers ('u'/'w' code
// points; a 4-byte 'l'/'L' where long is 4 bytes), read and written as numbers.
function storeType(compiled: CompiledFormat): StoreConstructor {
  const Typed = typedArrayTypeOf(compiled);
  if (Typed !== undefined) return Typed as unknown as StoreConstructor;
  const { kind, size } = compiled.fields[0];
  if (size === 4 && (kind === 'wchar' || kind === 'biguint')) return Uint32Array as unknown as StoreConstructor;
  if (size === 4 && kind === 'bigint') return Int32Array as unknown as StoreConstructor;
  throw new ValueError(`bad typecode (must be b, B, u, w, h, H, i, I, l, L, q, Q, f or d)`, 'ERR_MEMVIEW_FORMAT');
}

function traitsOf(typecode: unknown): Traits {
  if (typeof typecode !== 'string' || [...typecode].length !== 1) {
    throw typeError(`array() argument 1 must be a unicode character, not ${typeof typecode === 'string' ? 'str' : typeName(typecode)}`);
  }
  let traits = traitsCache.get(typecode);
  if (traits === undefined) {
    const compiled = compileFormat(typecode, FormatMode.Array);
    const field = compiled.fields[0];
    const Typed = storeType(compiled);
    const bigElements = (Typed as unknown) === BigInt64Array || (Typed as unknown) === BigUint64Array;
    const base = makeConverter(field, compiled, 'array');
    const widenToBigInt = (field.kind === 'bigint' || field.kind === 'biguint') && !bigElements;
    traits = {
      typecode,
      compiled,
      itemsize: compiled.itemsize,
      Typed,
      bigElements,
      wchar: field.kind === 'wchar',
      float: field.kind === 'float',
      widenToBigInt,
      convert: (widenToBigInt ? (value: unknown) => Number(base(value)) : base) as ElementConverter,
    };
    traitsCache.set(typecode, traits);
  }
  return traits;
}

// ---------------------------------------------------------------- errors

function exportedError(): BufferError {
  return new BufferError('cannot resize an array that is exporting buffers: release its memoryviews (view.release() or `using`) first');
}

function indexTypeError(): TypeError {
  return typeError('array indices must be integers');
}

function noMemory(): MemoryError {
  return new MemoryError('cannot allocate memory for the array');
}

function codePointError(cp: number): ValueError {
  return new ValueError(`character U+${cp.toString(16)} is not in range [U+0000; U+10ffff]`);
}

/** A one-character string for a stored code point (ValueError beyond U+10FFFF). */
function wcharOf(cp: number): string {
  if (cp > 0x10ffff) throw codePointError(cp);
  return String.fromCodePoint(cp);
}

/** An integer index (number or bigint) as a number; TypeError otherwise. */
function intArg(value: unknown, what: string): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return value;
  } else if (typeof value === 'bigint') {
    return Number(value);
  }
  throw typeError(`'${pyTypeName(value)}' object cannot be interpreted as an integer${what ? ` (${what})` : ''}`);
}

/** Python's index normalisation for get/set/delete/pop: IndexError outside [0, length). */
function itemIndex(index: unknown, length: number, message: string): number {
  let i: number;
  if (typeof index === 'number') {
    if (!Number.isInteger(index)) throw indexTypeError();
    i = index;
  } else if (typeof index === 'bigint') {
    i = Number(index);
  } else {
    throw indexTypeError();
  }
  if (i < 0) i += length;
  if (i < 0 || i >= length) throw new IndexError(message);
  return i;
}

/** Clamps a start/stop argument as list.index does (negative from the end, then into [0, length]). */
function clampBound(value: unknown, length: number): number {
  let i = intArg(value, '');
  if (i < 0) {
    i += length;
    if (i < 0) i = 0;
  }
  return i > length ? length : i;
}

/**
 * The bytes of a typed array or DataView; none when its buffer is detached or
 * shrank below it (as a detached typed array appends nothing): the engine
 * throws its own TypeError or RangeError for those, which is not ours to raise.
 */
function viewBytes(view: ArrayBufferView): Uint8Array {
  try {
    const plain = plainSource(view) as PlainSource;
    return new Uint8Array(plain.buffer, plain.byteOffset, plain.byteLength);
  } catch {
    return new Uint8Array(0);
  }
}

/** A plain bytes-like source (API.md §4 initializer): its bytes, or undefined. */
function bytesLike(source: unknown): Uint8Array | undefined {
  if (source instanceof Uint8Array || source instanceof Uint8ClampedArray || source instanceof DataView) {
    return viewBytes(source);
  }
  if (source instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && source instanceof SharedArrayBuffer)) {
    try {
      return new Uint8Array(source);
    } catch {
      return new Uint8Array(0); // detached
    }
  }
  return undefined;
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return value !== null && value !== undefined && typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}

function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (globalThis.Array.isArray(value)) return 'list';
  return typeName(value);
}

// ---------------------------------------------------------------- typed declarations

/** Python's array typecodes (API.md §4). */
export type Typecode = 'b' | 'B' | 'u' | 'w' | 'h' | 'H' | 'i' | 'I' | 'l' | 'L' | 'q' | 'Q' | 'f' | 'd';

/** What an item of typecode T reads as (API.md §1): bigint for l L q Q, a one-character string for u w, else number. */
export type ArrayItem<T extends string> = string extends T
  ? number | bigint | string
  : T extends 'l' | 'L' | 'q' | 'Q'
    ? bigint
    : T extends 'u' | 'w'
      ? string
      : number;

/** What an Array whose items read as I accepts: numbers and bigints for numbers and bigints. */
export type ArrayValue<I> = I extends string ? string : number | bigint;

/** Sources of values for extend / set(slice) / the constructor. */
export type ArraySource<I> = Iterable<ArrayValue<I>> | Array<unknown> | MemoryView | ArrayBufferView | ArrayBufferLike;

// ---------------------------------------------------------------- the array

export class Array<I = number | bigint | string> implements Iterable<I> {
  /** @internal */ _traits: Traits;
  /** @internal */ _handle: object | null; // null until the first item: no native block yet
  #data: Store; // the owner's view of the block (storage_view): never handed out, detached when the block changes
  /** @internal */ _length: number;
  /** @internal */ _exports: number;
  /** @internal */ _convert: ElementConverter;

  constructor(typecode: string, initializer?: ArraySource<I> | string) {
    const traits = traitsOf(typecode);
    this._traits = traits;
    this._handle = null;
    this.#data = new traits.Typed(0);
    this._length = 0;
    this._exports = 0;
    this._convert = traits.convert;
    if (initializer !== undefined) this._initialize(initializer);
  }

  private _initialize(initializer: unknown): void {
    const traits = this._traits;
    if (typeof initializer === 'string') {
      if (!traits.wchar) throw typeError(`cannot use a str to initialize an array with typecode '${traits.typecode}'`);
      this.fromUnicode(initializer);
      return;
    }
    if (initializer instanceof Array && initializer._traits.wchar && !traits.wchar) {
      throw typeError(`cannot use a unicode array to initialize an array with typecode '${traits.typecode}'`);
    }
    const bytes = bytesLike(initializer);
    if (bytes !== undefined) {
      this.fromBytes(bytes);
      return;
    }
    if (!isIterable(initializer) && !(initializer instanceof Array)) {
      throw typeError(`'${pyTypeName(initializer)}' object is not iterable`);
    }
    this._appendValues(initializer, true);
  }

  // -------------------------------------------------------------- properties

  get typecode(): string {
    return this._traits.typecode;
  }

  get itemsize(): number {
    return this._traits.itemsize;
  }

  get length(): number {
    return this._length;
  }

  // -------------------------------------------------------------- memory

  /** Grows the block to hold at least `items` items (by half again, at least). */
  private _reserve(items: number): void {
    if (items <= this.#data.length) return;
    const itemsize = this._traits.itemsize;
    const maxItems = Math.floor(MAX_BYTES / itemsize);
    if (!(items <= maxItems)) throw noMemory();
    const capacity = Math.min(maxItems, Math.max(items, this.#data.length + Math.floor(this.#data.length / 2) + 8));
    this._setCapacity(capacity);
  }

  /** A new block of `items` items holding the current ones (never while exported: callers check). */
  private _setCapacity(items: number): void {
    const itemsize = this._traits.itemsize;
    let buffer: ArrayBuffer;
    if (this._handle === null) {
      this._handle = storage.storage_new(items * itemsize);
      buffer = storage.storage_view(this._handle);
    } else {
      buffer = storage.storage_resize(this._handle, items * itemsize, Math.min(this._length, items) * itemsize, this.#data.buffer);
    }
    this.#data = new this._traits.Typed(buffer, 0, items);
  }

  /** Gives back memory after a large shrink, as CPython does. */
  private _shrunk(): void {
    const capacity = this.#data.length;
    if (this._length < capacity >> 2 && capacity > 64) this._setCapacity(this._length + (this._length >> 1));
  }

  /** Throws BufferError when the length may not change (an export is live). */
  private _checkResizable(): void {
    if (this._exports !== 0) throw exportedError();
  }

  /** Item i (0 ≤ i < length) as JS reads it. */
  private _item(i: number): unknown {
    const raw = this.#data[i];
    const traits = this._traits;
    if (traits.wchar) return wcharOf(raw as number);
    if (traits.widenToBigInt) return BigInt(raw as number);
    return raw;
  }

  /** A new empty Array of this typecode with room for `items` items. */
  private _sibling(items: number): Array<I> {
    const result = new Array<I>(this._traits.typecode);
    if (items > 0) result._reserve(items);
    return result;
  }

  /** The items as a fresh typed array copy (safe against aliasing). */
  private _snapshot(start = 0, stop = this._length): Store {
    const copy = new this._traits.Typed(stop - start);
    copy.set(this.#data.subarray(start, stop));
    return copy;
  }

  /** The bytes of the items, as a view (not a copy) over the block. */
  private _bytes(): Uint8Array {
    return new Uint8Array(this.#data.buffer, 0, this._length * this._traits.itemsize);
  }

  // -------------------------------------------------------------- item access

  /** Item `index` (IndexError outside), or a new Array of the items a Slice selects. */
  get(index: Index): I;
  get(index: Slice): Array<I>;
  get(index: Index | Slice): I | Array<I> {
    if (typeof index === 'number') {
      let i = index;
      if (i < 0) i += this._length;
      if (i >= 0 && i < this._length && (i | 0) === i) {
        const raw = this.#data[i];
        const traits = this._traits;
        if (traits.wchar) return wcharOf(raw as number) as I;
        return (traits.widenToBigInt ? BigInt(raw as number) : raw) as I;
      }
    }
    if (index instanceof Slice) return this._getSlice(index);
    return this._item(itemIndex(index, this._length, 'array index out of range')) as I;
  }

  private _getSlice(s: Slice): Array<I> {
    const [start, , step, count] = s.indices(this._length);
    const result = this._sibling(count);
    if (step === 1) {
      result.#data.set(this.#data.subarray(start, start + count));
    } else {
      const src = this.#data;
      const dst = result.#data;
      for (let k = 0, i = start; k < count; k++, i += step) dst[k] = src[i];
    }
    result._length = count;
    return result;
  }

  /** Sets item `index`, or (Slice) replaces the items it selects with `value`'s items. */
  set(index: Index, value: ArrayValue<I>): void;
  set(index: Slice, values: Iterable<ArrayValue<I>> | Array<unknown>): void;
  set(index: Index | Slice, value: unknown): void {
    if (index instanceof Slice) {
      this._setSlice(index, value);
      return;
    }
    const i = itemIndex(index, this._length, 'array assignment index out of range');
    this.#data[i] = this._convert(value);
  }

  private _setSlice(s: Slice, values: unknown): void {
    let source: Store;
    if (values instanceof Array) {
      if (values._traits.typecode !== this._traits.typecode) throw typeError('bad argument type for built-in operation');
      source = values._snapshot();
    } else {
      // beyond: any iterable of values
      if (typeof values === 'string' || !isIterable(values)) {
        throw typeError(`can only assign array (not "${pyTypeName(values)}") to array slice`);
      }
      source = this._convertAll(values);
    }
    const n = source.length;
    const length = this._length;
    const [start, sliceStop, step, sliceCount] = s.indices(length);
    const count = step === 1 ? Math.max(sliceStop, start) - start : sliceCount;
    // As CPython (issue #4509): fail before anything changes when the size would.
    if ((n === 0 || n !== count) && this._exports !== 0) throw exportedError();
    if (step === 1) {
      const stop = start + count;
      if (n !== count) {
        const newLength = length - count + n;
        this._reserve(newLength);
        this.#data.copyWithin(start + n, stop, length);
        this._length = newLength;
      }
      this.#data.set(source, start);
      if (n < count) this._shrunk();
      return;
    }
    if (n === 0) {
      this._deleteSlice(s); // CPython: assigning no items to an extended slice deletes it
      return;
    }
    if (n !== count) throw new ValueError(`attempt to assign array of size ${n} to extended slice of size ${count}`);
    const data = this.#data;
    for (let k = 0, i = start; k < n; k++, i += step) data[i] = source[k];
  }

  /** Removes item `index`, or the items a Slice selects. */
  delete(index: Index | Slice): void {
    if (index instanceof Slice) {
      this._deleteSlice(index);
      return;
    }
    const i = itemIndex(index, this._length, 'array assignment index out of range');
    this._checkResizable();
    this._removeAt(i);
  }

  private _removeAt(i: number): void {
    this.#data.copyWithin(i, i + 1, this._length);
    this._length -= 1;
    this._shrunk();
  }

  private _deleteSlice(s: Slice): void {
    // CPython refuses any slice deletion while exported, even of no item.
    this._checkResizable();
    const indices = s.indices(this._length);
    let [start, , step] = indices;
    const count = indices[3];
    if (count === 0) return;
    if (step < 0) {
      start += step * (count - 1);
      step = -step;
    }
    const data = this.#data;
    const length = this._length;
    if (step === 1) {
      data.copyWithin(start, start + count, length);
    } else {
      // Keep the items between the deleted ones, then the tail.
      let out = start;
      for (let k = 0; k < count; k++) {
        const from = start + k * step + 1;
        const to = k === count - 1 ? length : from + step - 1;
        data.copyWithin(out, from, to);
        out += to - from;
      }
    }
    this._length = length - count;
    this._shrunk();
  }

  // -------------------------------------------------------------- growing

  /** Appends one item (amortised O(1)). */
  append(value: ArrayValue<I>): void {
    const v = this._convert(value);
    if (this._exports !== 0) throw exportedError();
    const n = this._length;
    if (n === this.#data.length) this._reserve(n + 1);
    this.#data[n] = v;
    this._length = n + 1;
  }

  /** Inserts `value` before index `i` (clamped, negative from the end). */
  insert(i: Index, value: ArrayValue<I>): void {
    let k = intArg(i, '');
    const v = this._convert(value);
    this._checkResizable();
    const n = this._length;
    if (k < 0) k = Math.max(0, k + n);
    if (k > n) k = n;
    this._reserve(n + 1);
    this.#data.copyWithin(k + 1, k, n);
    this.#data[k] = v;
    this._length = n + 1;
  }

  /** Appends the items of `iterable`: another Array of the same typecode, or any iterable of values (a Buffer's bytes are values). */
  extend(iterable: ArraySource<I>): void {
    if (iterable instanceof Array && iterable._traits.typecode !== this._traits.typecode) {
      throw typeError('can only extend with array of same kind');
    }
    if (!isIterable(iterable) && !(iterable instanceof Array)) {
      const bytes = iterable instanceof ArrayBuffer || iterable instanceof DataView || (typeof SharedArrayBuffer !== 'undefined' && iterable instanceof SharedArrayBuffer);
      if (!bytes) throw typeError(`'${pyTypeName(iterable)}' object is not iterable`);
      this._appendValues(bytesLike(iterable) as Uint8Array, false);
      return;
    }
    this._appendValues(iterable as Iterable<unknown>, false);
  }

  /** Appends the items of a JS array (TypeError for anything else). */
  fromList(list: ArrayValue<I>[]): void {
    if (!globalThis.Array.isArray(list)) throw typeError('arg must be list');
    this._appendValues(list, false);
  }

  /**
   * Appends values, converting all of them before anything is written, so a
   * failure leaves the array unchanged. Typed arrays, Arrays and 1-D
   * MemoryViews of numbers convert in one native pass when that kernel exists.
   */
  private _appendValues(values: Iterable<unknown>, initializing: boolean): void {
    if (values instanceof Array) {
      // Same typecode (extend checked it; initializers of another typecode convert item by item).
      if (values._traits.typecode === this._traits.typecode) {
        const n = values._length;
        if (n === 0) return;
        this._checkResizable();
        this._reserve(this._length + n);
        this.#data.set(values.#data.subarray(0, n), this._length); // after _reserve: `values` may be this
        this._length += n;
        return;
      }
      if (this._appendNative(values, initializing)) return;
    } else if (ArrayBuffer.isView(values) || values instanceof MemoryView) {
      if (this._appendNative(values, initializing)) return;
    }
    const source = this._convertAll(values);
    const n = source.length;
    if (n === 0) return;
    this._checkResizable();
    this._reserve(this._length + n);
    this.#data.set(source, this._length);
    this._length += n;
  }

  /** Converts every value of `values` into a new typed array of this typecode (no memory of ours touched). */
  private _convertAll(values: Iterable<unknown>): Store {
    const convert = this._convert;
    if (globalThis.Array.isArray(values) || ArrayBuffer.isView(values)) {
      const list = values as ArrayLike<unknown>;
      const out = new this._traits.Typed(list.length);
      for (let i = 0; i < list.length; i++) out[i] = convert(list[i]);
      return out;
    }
    if (values instanceof Array) {
      const out = new this._traits.Typed(values._length);
      for (let i = 0; i < values._length; i++) out[i] = convert(values._item(i));
      return out;
    }
    const converted: (number | bigint)[] = [];
    for (const value of values) converted.push(convert(value));
    const out = new this._traits.Typed(converted.length);
    out.set(converted);
    return out;
  }

  /**
   * One native pass (view_convert) from a numeric typed array, Array or 1-D
   * MemoryView into the spare capacity past the items; the length grows only
   * once every value converted. False when that path does not apply.
   */
  private _appendNative(source: object, initializing: boolean): boolean {
    const convertKernel = kernels.view_convert;
    if (convertKernel === undefined || this._traits.widenToBigInt) return false;
    let mem: DataView;
    let origin: number;
    let count: number;
    let stride: number;
    let srcFormat: CompiledFormat;
    if (source instanceof Array) {
      if (source._traits.widenToBigInt || source._traits.wchar !== this._traits.wchar) return false;
      count = source._length;
      srcFormat = source._traits.compiled;
      stride = srcFormat.itemsize;
      mem = new DataView(source.#data.buffer, 0, count * stride);
      origin = 0;
    } else if (source instanceof MemoryView) {
      source.checkReleased();
      source.checkAlive(); // detached or shrunk memory: ValueError, as every view operation
      if (source._shape.length !== 1) return false;
      srcFormat = source._compiled;
      if (srcFormat.nvalues !== 1) return false;
      count = source._shape[0];
      stride = source._strides[0];
      mem = source.span(); // an empty DataView when the memory went away: the kernel then refuses
      origin = source._origin - source._lo;
    } else {
      const view = source as ArrayBufferView;
      if (typedArrayFormat(view) === undefined) return false;
      const plain = plainSource(view) as PlainSource;
      if (plain.byteLength === 0) return true; // empty, or detached: nothing to append
      srcFormat = compileFormat(plain.format, FormatMode.View);
      count = plain.byteLength / srcFormat.itemsize;
      stride = srcFormat.itemsize;
      mem = new DataView(plain.buffer, plain.byteOffset, plain.byteLength);
      origin = 0;
    }
    const kind = srcFormat.fields[0].kind;
    const numeric = kind === 'int' || kind === 'uint' || kind === 'bigint' || kind === 'biguint' || kind === 'pointer' || kind === 'float';
    if (!(numeric && !this._traits.wchar) && !(kind === 'wchar' && this._traits.wchar)) return false;
    if (count === 0) return true;
    if (!initializing) this._checkResizable();
    const n = this._length;
    const itemsize = this._traits.itemsize;
    this._reserve(n + count);
    if (source === this) mem = new DataView(this.#data.buffer, 0, count * stride);
    const dst = new DataView(this.#data.buffer, n * itemsize, count * itemsize);
    convertKernel(dst, 0, this._traits.compiled.handle, mem, origin, [count], [stride], srcFormat.handle, 'overflow');
    this._length = n + count;
    return true;
  }

  /** Appends the items whose raw machine bytes `buffer` holds (a multiple of itemsize). */
  fromBytes(buffer: ArrayBufferView | ArrayBufferLike | Array | MemoryView): void {
    let bytes = bytesLike(buffer);
    if (bytes === undefined) {
      if (ArrayBuffer.isView(buffer)) bytes = viewBytes(buffer);
      else if (buffer instanceof Array) bytes = buffer._bytes();
      else if (buffer instanceof MemoryView) bytes = buffer.toBytes();
      else throw typeError(`a bytes-like object is required, not '${pyTypeName(buffer)}'`);
    }
    const itemsize = this._traits.itemsize;
    if (bytes.byteLength % itemsize !== 0) throw new ValueError('bytes length not a multiple of item size');
    const n = bytes.byteLength / itemsize;
    if (n === 0) return;
    this._checkResizable();
    if ((buffer as unknown) === this) bytes = bytes.slice(); // about to move
    const length = this._length;
    this._reserve(length + n);
    new Uint8Array(this.#data.buffer, length * itemsize, n * itemsize).set(bytes);
    this._length = length + n;
  }

  /** Appends the code points of `text` (u and w arrays only). */
  fromUnicode(text: string): void {
    if (typeof text !== 'string') throw typeError(`fromunicode() argument must be str, not ${pyTypeName(text)}`);
    if (!this._traits.wchar) throw new ValueError('fromunicode() may only be called on unicode type arrays');
    const points: number[] = [];
    for (const ch of text) points.push(ch.codePointAt(0) as number);
    if (points.length === 0) return;
    this._checkResizable();
    this._reserve(this._length + points.length);
    this.#data.set(points, this._length);
    this._length += points.length;
  }

  /**
   * Reads `n` items from file descriptor `fd` (Node's fs, synchronously) and
   * appends them. A short read appends the whole items read, then throws
   * EOFError; system errors are Node's own (err.code 'EBADF', …).
   */
  fromFile(fd: number, n: Index): void {
    const count = intArg(n, '');
    if (count < 0) throw new ValueError('negative count');
    const itemsize = this._traits.itemsize;
    if (count > Math.floor(MAX_BYTES / itemsize)) throw noMemory();
    if (count === 0) return;
    this._checkResizable();
    const want = count * itemsize;
    const start = this._length * itemsize;
    // Read straight into the spare capacity, growing it as data arrives (so a
    // huge n on a small file allocates only what the file holds).
    const CHUNK = 1 << 20;
    let got = 0;
    while (got < want) {
      const chunk = Math.min(want - got, Math.max(CHUNK, got));
      this._reserve(Math.ceil((start + got + chunk) / itemsize));
      const target = new Uint8Array(this.#data.buffer, start + got, chunk);
      const read = fs.readSync(fd, target, 0, chunk, null);
      if (read === 0) break;
      got += read;
    }
    this._length += Math.floor(got / itemsize);
    if (got < want) throw new EOFError("read() didn't return enough bytes");
  }

  // -------------------------------------------------------------- shrinking

  /** Removes and returns item `i` (default: the last). */
  pop(i: Index = -1): I {
    if (this._length === 0) throw new IndexError('pop from empty array');
    const k = itemIndex(i, this._length, 'pop index out of range');
    this._checkResizable();
    const value = this._item(k) as I;
    this._removeAt(k);
    return value;
  }

  /** Removes the first item equal to `value` (ValueError when there is none). */
  remove(value: unknown): void {
    const k = this._find(value, 0, this._length);
    if (k < 0) throw new ValueError('array.remove(x): x not in array');
    this._checkResizable();
    this._removeAt(k);
  }

  /** Removes every item (3.13). */
  clear(): void {
    if (this._length === 0) return;
    this._checkResizable();
    this._length = 0;
    this._setCapacity(0);
  }

  // -------------------------------------------------------------- in place

  /** Swaps the bytes of every item (in place; allowed while exported: nothing moves). */
  byteswap(): void {
    const itemsize = this._traits.itemsize;
    if (itemsize === 1 || this._length === 0) return;
    const bytes = Buffer.from(this.#data.buffer, 0, this._length * itemsize);
    // Node's own swaps (native for large buffers): as fast as byte swapping gets here.
    if (itemsize === 2) bytes.swap16();
    else if (itemsize === 4) bytes.swap32();
    else bytes.swap64();
  }

  /** Reverses the items in place. */
  reverse(): void {
    this.#data.subarray(0, this._length).reverse();
  }

  // -------------------------------------------------------------- searching

  /**
   * The element value that equals `value` as CPython compares (numbers and
   * bigints exactly, true/false as 1/0, one-character strings for u/w), or
   * undefined when no item can equal it.
   */
  private _target(value: unknown): number | bigint | undefined {
    const traits = this._traits;
    if (traits.wchar) {
      if (typeof value !== 'string') return undefined;
      const cp = value.codePointAt(0);
      return cp !== undefined && value.length === (cp > 0xffff ? 2 : 1) ? cp : undefined;
    }
    let v: unknown = value;
    if (typeof v === 'boolean') v = v ? 1 : 0;
    if (traits.bigElements) {
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
      return undefined;
    }
    if (typeof v === 'number') return Number.isNaN(v) ? undefined : v;
    if (typeof v === 'bigint') {
      const x = Number(v);
      return Number.isFinite(x) && BigInt(x) === v ? x : undefined;
    }
    return undefined;
  }

  /** Index of the first item in [start, stop) equal to `value`, or -1. */
  private _find(value: unknown, start: number, stop: number): number {
    const target = this._target(value);
    if (target === undefined || start >= stop) return -1;
    if (stop - start >= NATIVE_SEARCH) {
      const k = this._searchNative(target, start, stop, true);
      if (k !== undefined) return k;
    }
    const k = this.#data.subarray(start, stop).indexOf(target);
    return k < 0 ? -1 : start + k;
  }

  /** How many items equal `value`. */
  count(value: unknown): number {
    const target = this._target(value);
    if (target === undefined) return 0;
    const n = this._length;
    if (n >= NATIVE_SEARCH) {
      const c = this._searchNative(target, 0, n, false);
      if (c !== undefined) return c;
    }
    const data = this.#data;
    let c = 0;
    for (let i = 0; i < n; i++) if (data[i] === target) c++;
    return c;
  }

  /**
   * One native SIMD scan (binding/bytes.cc FindItems) of [start, stop): the
   * count, or with firstOnly the first index (-1 if none); undefined when the
   * kernel is not there. Floats go through view_find_float (±0 equal, NaN
   * never), the rest compare item bytes.
   */
  private _searchNative(target: number | bigint, start: number, stop: number, firstOnly: boolean): number | undefined {
    const traits = this._traits;
    const itemsize = traits.itemsize;
    const n = this._length;
    if (traits.float) {
      const findFloat = kernels.view_find_float;
      if (findFloat === undefined) return undefined;
      const mem = new DataView(this.#data.buffer, 0, n * itemsize);
      return findFloat(mem, 0, n, itemsize, traits.compiled.handle, target as number, start, stop, firstOnly);
    }
    const find = kernels.view_find;
    if (find === undefined) return undefined;
    const pattern = this._pattern(target);
    if (pattern === null) return firstOnly ? -1 : 0;
    return find(new DataView(this.#data.buffer, 0, n * itemsize), 0, n, itemsize, itemsize, pattern, start, stop, firstOnly);
  }

  /** The item bytes of an element value (for the native search); null when no item can hold it. */
  private _pattern(target: number | bigint): Uint8Array | null {
    const one = new this._traits.Typed(1);
    one[0] = target;
    // A value out of the element's range wraps: it equals no item.
    if (one[0] !== target) return null;
    return new Uint8Array(one.buffer, 0, this._traits.itemsize);
  }

  /** Index of the first item equal to `value` in [start, stop) (ValueError when absent). */
  index(value: unknown, start: Index = 0, stop?: Index): number {
    const n = this._length;
    const lo = clampBound(start, n);
    const hi = stop === undefined ? n : clampBound(stop, n);
    const k = this._find(value, lo, hi);
    if (k < 0) throw new ValueError('array.index(x): x not in array');
    return k;
  }

  /** `value in array`. */
  includes(value: unknown): boolean {
    return this._find(value, 0, this._length) >= 0;
  }

  // -------------------------------------------------------------- whole arrays

  /** `this + other`: a new Array (other: an Array of the same typecode). */
  concat(other: Array<unknown>): Array<I> {
    if (!(other instanceof Array)) throw typeError(`can only append array (not "${pyTypeName(other)}") to array`);
    if (other._traits.typecode !== this._traits.typecode) throw typeError('bad argument type for built-in operation');
    const a = this._length;
    const b = other._length;
    const result = this._sibling(a + b);
    result.#data.set(this.#data.subarray(0, a));
    result.#data.set(other.#data.subarray(0, b), a);
    result._length = a + b;
    return result;
  }

  /** `this * n`: a new Array of the items repeated n times (n ≤ 0: empty). */
  repeat(n: Index): Array<I> {
    if (typeof n !== 'number' && typeof n !== 'bigint') throw typeError(`can't multiply sequence by non-int of type '${pyTypeName(n)}'`);
    if (typeof n === 'number' && !Number.isInteger(n)) throw typeError(`can't multiply sequence by non-int of type 'float'`);
    const length = this._length;
    const times = n <= 0 || length === 0 ? 0 : n;
    if (BigInt(times) * BigInt(length) * BigInt(this._traits.itemsize) > BigInt(MAX_BYTES)) throw noMemory();
    const total = Number(times) * length;
    const result = this._sibling(total);
    if (total > 0) {
      const data = result.#data;
      data.set(this.#data.subarray(0, length));
      // Doubling copies: log2(times) memmoves.
      for (let filled = length; filled < total; filled *= 2) data.copyWithin(filled, 0, Math.min(filled, total - filled));
    }
    result._length = total;
    return result;
  }

  /** A new Array with the same items. */
  copy(): Array<I> {
    const result = this._sibling(this._length);
    result.#data.set(this.#data.subarray(0, this._length));
    result._length = this._length;
    return result;
  }

  /** CPython's `==`: another Array (any typecode) with equal items; anything else is not equal. */
  equals(other: unknown): boolean {
    if (other instanceof MemoryView) return other.equals(this);
    if (!(other instanceof Array)) return false;
    if (other._length !== this._length) return false;
    return this._firstDifference(other) === this._length;
  }

  /** The first index where items differ (or the shorter length). */
  private _firstDifference(other: Array): number {
    const n = Math.min(this._length, other._length);
    const a = this.#data;
    const b = other.#data;
    if (this._traits.Typed === other._traits.Typed && this._traits.wchar === other._traits.wchar) {
      let i = 0;
      while (i < n && a[i] === b[i]) i++;
      return i;
    }
    if (this._traits.wchar !== other._traits.wchar) return 0; // a str never equals a number
    let i = 0;
    // number == bigint compares exact values; NaN equals nothing.
    while (i < n && a[i] == b[i]) i++;
    return i;
  }

  /** The sign of CPython's ordering of `this` and `other` (-1, 0, 1), NaN when unordered. */
  compare(other: Array): number {
    if (!(other instanceof Array)) throw typeError(`'<' not supported between instances of 'array.array' and '${pyTypeName(other)}'`);
    const i = this._firstDifference(other);
    const n = Math.min(this._length, other._length);
    if (i >= n) return Math.sign(this._length - other._length);
    if (this._traits.wchar !== other._traits.wchar) {
      throw typeError(`'<' not supported between instances of '${this._traits.wchar ? 'str' : 'int'}' and '${other._traits.wchar ? 'str' : 'int'}'`);
    }
    const a = this.#data[i];
    const b = other.#data[i];
    return a < b ? -1 : a > b ? 1 : NaN;
  }

  // -------------------------------------------------------------- conversions

  /** The items as a JS array. */
  toList(): I[] {
    const n = this._length;
    const traits = this._traits;
    const out = new globalThis.Array<I>(n);
    if (traits.wchar || traits.widenToBigInt) {
      for (let i = 0; i < n; i++) out[i] = this._item(i) as I;
    } else {
      const data = this.#data;
      for (let i = 0; i < n; i++) out[i] = data[i] as I;
    }
    return out;
  }

  /** A new Buffer with the items' machine bytes. */
  toBytes(): Buffer {
    return Buffer.from(this._bytes());
  }

  /** The items of a u or w array as a string. */
  toUnicode(): string {
    if (!this._traits.wchar) throw new ValueError('tounicode() may only be called on unicode type arrays');
    const data = this.#data;
    const n = this._length;
    let out = '';
    const CHUNK = 8192;
    for (let i = 0; i < n; i += CHUNK) {
      const points = globalThis.Array.from(data.subarray(i, Math.min(n, i + CHUNK)) as unknown as ArrayLike<number>);
      for (const cp of points) if (cp > 0x10ffff) throw codePointError(cp);
      out += String.fromCodePoint(...points);
    }
    return out;
  }

  /** Writes the items' machine bytes to file descriptor `fd` (Node's fs, synchronously). */
  toFile(fd: number): void {
    const bytes = this._bytes();
    let done = 0;
    while (done < bytes.byteLength) done += fs.writeSync(fd, bytes, done, Math.min(bytes.byteLength - done, 1 << 24));
  }

  /** `[address, length]` of the items (address 0 for an empty array, as CPython). */
  bufferInfo(): [bigint, number] {
    return [this._length === 0 || this._handle === null ? 0n : storage.storage_address(this._handle), this._length];
  }

  /** The list, with l L q Q items as decimal strings (JSON has no bigint). */
  toJSON(): (number | string)[] {
    const list = this.toList();
    if (this._traits.bigElements || this._traits.widenToBigInt) return list.map(String);
    return list as (number | string)[];
  }

  /** CPython's repr: `array('d', [1.5, inf])`, `array('u', 'abc')`, `array('b')`. */
  toString(): string {
    const traits = this._traits;
    const head = `array('${traits.typecode}'`;
    if (this._length === 0) return `${head})`;
    if (traits.wchar) return `${head}, ${pyStrRepr(this.toUnicode())})`;
    const data = this.#data;
    const parts = new globalThis.Array<string>(this._length);
    for (let i = 0; i < this._length; i++) parts[i] = traits.float ? pyFloatRepr(data[i] as number) : String(data[i]);
    return `${head}, [${parts.join(', ')}])`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  [Symbol.iterator](): IterableIterator<I> {
    return new ArrayIterator(this) as IterableIterator<I>;
  }

  // -------------------------------------------------------------- exports

  /** @internal The export protocol (lib/exporter.ts): the block, locked against resizing until release(). */
  [kExport](): ExportedMemory {
    if (this._handle === null) this._setCapacity(0);
    const handle = this._handle as object;
    const buffer = storage.storage_arraybuffer(handle);
    this._exports += 1;
    let released = false;
    return {
      buffer,
      byteOffset: 0,
      byteLength: this._length * this._traits.itemsize,
      format: this._traits.wchar ? 'w' : this._traits.typecode,
      readonly: false,
      obj: this,
      release: () => {
        if (released) return;
        released = true;
        this._exports -= 1;
      },
      // toTypedArray(): another ArrayBuffer that holds its own ref on the block, so
      // the typed array stays valid (over the old block) even after the array grows.
      userBuffer: () => storage.storage_arraybuffer(handle),
    };
  }
}

/** CPython's array iterator: reads the current length each step, done for good once past it. */
class ArrayIterator implements IterableIterator<unknown> {
  private index = 0;
  private array: Array<unknown> | null;
  constructor(array: Array<unknown>) {
    this.array = array;
  }
  next(): IteratorResult<unknown> {
    const array = this.array;
    if (array !== null && this.index < array._length) return { value: array.get(this.index++), done: false };
    this.array = null;
    return { value: undefined, done: true };
  }
  [Symbol.iterator](): IterableIterator<unknown> {
    return this;
  }
}

/** `array(typecode, initializer?)` ≡ `new Array(typecode, initializer?)`. */
export function array<T extends string>(typecode: T, initializer?: ArraySource<ArrayItem<T>> | string): Array<ArrayItem<T>> {
  return new Array<ArrayItem<T>>(typecode, initializer);
}

/** The same class as Array, for modules where a name `Array` would shadow the global. */
export const PyArray = Array;
export type PyArray<I = number | bigint | string> = Array<I>;
