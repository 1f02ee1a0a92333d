// memoryview.ts — MemoryView: Python's memoryview over JS and native memory (API.md §3).
//
// A view is four numbers and three arrays — buffer, origin (absolute byte
// offset of item (0,…,0)), shape, strides in bytes, format — plus the Export it
// shares with every view derived from it (CPython's managed buffer). View
// arithmetic (indexing, slicing, n-D basic indexing, cast) is O(ndim) JS;
// per-item access goes through access.ts in JS; bulk work (toBytes, assign,
// equals, hex, count, index) is one native call over a DataView of the extent.
import { types } from 'node:util';

import { native } from './binding';
import { Accessor, TypedArray, detachedError, makeAccessor, releasedError, typedArrayOver, typedArrayTypeOf } from './access';
import { BufferError, MemoryError, NotImplementedError, ValueError, typeError } from './errors';
import { ExportedMemory, isMemoryOwner, kExport } from './exporter';
import { CompiledFormat, FormatMode, compileFormat, typeName } from './format';
import { Read, itemReader, valueCodecs } from './layout';
import { Index, Slice, normalizeIndex, toIndex } from './slice';
import { canChangeLength, notABuffer, plainSource } from './sources';
import { itemEquals } from './compare';
import { inspectView } from './inspect';
import { numberRange } from './values';
import type { Converted } from './values';
import { BUF, bufferProtocol } from './protocol';
import { MAX_NDIM, SSIZE_MAX, cStrides, extent, isCContiguous, isFContiguous, product, sameShape } from './shape';
import type { BufferSource, FormatOf, GetResult, ItemOf, NdimOf, NestedList, SharedDescriptor } from './view-types';

export { BUF, bufferProtocol } from './protocol';
export type { BufferSource, GetResult, Item, ItemOf, NestedList, SharedDescriptor, WriteValue } from './view-types';


// ---------------------------------------------------------------- types

// ---------------------------------------------------------------- exports

/**
 * One export of a source, shared by every view derived from the first
 * (CPython's managed buffer). `mem` is set for memory owners (Array, mmap,
 * C-API memory, buffer-protocol objects): their release() runs exactly once,
 * when the last view is released or, as a backstop, garbage-collected.
 */
class Export {
  views = 0;
  ended = false;
  constructor(
    readonly buffer: ArrayBufferLike,
    readonly obj: unknown,
    readonly mem: ExportedMemory | null,
  ) {}

  drop(): void {
    if (--this.views === 0 && this.mem !== null && !this.ended) {
      this.ended = true;
      this.mem.release();
    }
  }
}

const collected = new FinalizationRegistry<Export>((exp) => exp.drop());

// ---------------------------------------------------------------- native kernels

interface ViewKernels {
  view_tobytes(mem: DataView, origin: number, shape: number[], strides: number[], itemsize: number, order: string): Buffer;
  view_assign(dst: DataView, dstOrigin: number, dstStrides: number[], src: DataView, srcOrigin: number, srcStrides: number[], shape: number[], itemsize: number): void;
  view_equals(a: DataView, aOrigin: number, aShape: number[], aStrides: number[], aFormat: object, b: DataView, bOrigin: number, bShape: number[], bStrides: number[], bFormat: object): boolean;
  view_hex(mem: DataView, origin: number, shape: number[], strides: number[], itemsize: number, sep: string | undefined, bytesPerSep: number): string;
  view_find(mem: DataView, origin: number, length: number, stride: number, itemsize: number, pattern: Uint8Array, start: number, stop: number, firstOnly: boolean): number;
  view_find_float(mem: DataView, origin: number, length: number, stride: number, format: object, value: number, start: number, stop: number, firstOnly: boolean): number;
}
const kernels = native as unknown as ViewKernels;

// ---------------------------------------------------------------- the view

const INTERNAL = Symbol('memview.internal');

interface Layout {
  exp: Export;
  origin: number;
  shape: number[];
  strides: number[];
  compiled: CompiledFormat;
  readonly: boolean;
  /** The source itself, when it is a fixed-length typed array whose elements are the items. */
  typed?: TypedArray;
}

function isSharedDescriptor(value: unknown): value is SharedDescriptor {
  return (
    typeof SharedArrayBuffer !== 'undefined' &&
    typeof value === 'object' &&
    value !== null &&
    types.isSharedArrayBuffer((value as SharedDescriptor).buffer) &&
    typeof (value as SharedDescriptor).format === 'string' &&
    globalThis.Array.isArray((value as SharedDescriptor).shape)
  );
}

/** Resolves memoryview()'s argument (API.md §3 table) to a layout with a fresh or shared export. */
function resolveSource(source: unknown): Layout {
  if (source instanceof MemoryView) {
    source.checkReleased();
    return { exp: source._exp, origin: source._origin, shape: source._shape.slice(), strides: source._strides.slice(), compiled: source._compiled, readonly: source._readonly };
  }
  const plain = plainSource(source);
  if (plain !== undefined) {
    const compiled = compileFormat(plain.format, FormatMode.View);
    return {
      exp: new Export(plain.buffer, source, null),
      origin: plain.byteOffset,
      shape: [plain.byteLength / compiled.itemsize],
      strides: [compiled.itemsize],
      compiled,
      readonly: false,
      typed: ArrayBuffer.isView(source) ? itemsTypedArray(source, plain.buffer, compiled) : undefined,
    };
  }
  if (isMemoryOwner(source)) {
    const mem = source[kExport]();
    const compiled = compileFormat(mem.format, FormatMode.View);
    return {
      exp: new Export(mem.buffer, mem.obj, mem),
      origin: mem.byteOffset,
      shape: [mem.byteLength / compiled.itemsize],
      strides: [compiled.itemsize],
      compiled,
      readonly: mem.readonly,
    };
  }
  if (isSharedDescriptor(source)) return sharedLayout(source);
  if (typeof source === 'object' && source !== null && typeof (source as { [bufferProtocol]?: unknown })[bufferProtocol] === 'function') {
    const inner = (source as { [bufferProtocol](flags: number): unknown })[bufferProtocol](BUF.FULL_RO);
    if (!(inner instanceof MemoryView)) throw typeError('memoryview: [bufferProtocol]() must return a MemoryView');
    inner.checkReleased();
    // The returned view belongs to the new one: it is released with the new view's export.
    const mem: ExportedMemory = {
      buffer: inner._exp.buffer,
      byteOffset: 0,
      byteLength: 0,
      format: inner.format,
      readonly: inner.readonly,
      obj: source,
      release: () => inner.release(),
    };
    return { exp: new Export(inner._exp.buffer, source, mem), origin: inner._origin, shape: inner._shape.slice(), strides: inner._strides.slice(), compiled: inner._compiled, readonly: inner._readonly };
  }
  throw notABuffer(source);
}

/**
 * `source` when a view of it can read items straight from it: a typed array of
 * the format's own type (not clamped, same realm) over a buffer that cannot
 * change length (so it cannot be length-tracking).
 */
function itemsTypedArray(source: unknown, buffer: ArrayBufferLike, compiled: CompiledFormat): TypedArray | undefined {
  const Typed = typedArrayTypeOf(compiled);
  if (Typed === undefined || !(source instanceof Typed)) return undefined;
  return canChangeLength(buffer) ? undefined : source;
}

function sharedLayout(d: SharedDescriptor): Layout {
  const compiled = compileFormat(d.format, FormatMode.View);
  const origin = toIndex(d.byteOffset, 'byteOffset');
  const shape = d.shape.map((n) => toIndex(n, 'shape entry'));
  const strides = (d.strides ?? cStrides(shape, compiled.itemsize)).map((s) => toIndex(s, 'stride'));
  if (shape.length > MAX_NDIM || strides.length !== shape.length || shape.some((n) => n < 0)) {
    throw new ValueError('memoryview: invalid shared view descriptor', 'ERR_MEMVIEW_SHAPE');
  }
  const [lo, hi] = extent(origin, shape, strides, compiled.itemsize);
  if (lo < 0 || hi > d.buffer.byteLength || !Number.isSafeInteger(hi)) {
    throw new ValueError('memoryview: shared view descriptor reaches outside its buffer', 'ERR_MEMVIEW_SHAPE');
  }
  return { exp: new Export(d.buffer, d, null), origin, shape, strides, compiled, readonly: d.readonly === true };
}

// The defaults are `any` so that every MemoryView<'d', 1> is a plain `MemoryView`
// (TypeScript cannot prove covariance through ItemOf's conditional types).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export class MemoryView<F extends string = any, N extends number = any> implements Iterable<unknown> {
  /** @internal */ _exp: Export;
  /** @internal */ _origin: number;
  /** @internal */ _shape: number[];
  /** @internal */ _strides: number[];
  /** @internal */ _compiled: CompiledFormat;
  /** @internal */ _readonly: boolean;
  /** @internal Added (true) by release(): absent while the view is live (see "Fast fields"). */ _released?: true;
  /** @internal */ _lo: number;
  /** @internal */ _hi: number;
  /** @internal: C-API exports of this very view (memview_get_buffer). */ _exports: number;
  private _len0: number;
  private _stride0: number;
  // Fast fields (bench: memoryview-item), for 1-D views. Added once and never
  // reassigned (release() adds _released rather than changing a field), so V8
  // keeps each as a constant field of the view's hidden class, a hot loop over
  // one view checks only that class, and every field a view lacks folds to
  // undefined. (A field that is ever reassigned costs a real load and branch per
  // item: up to 3x on an Int16Array-speed loop.) A view of a typed array gets
  // them in its constructor, a cast in cast(), any other view at its first
  // item access (accessor()). Gaining them inside a caller's loop leaves that
  // loop polymorphic, its values boxed: 5x slower (see README, "Speed").
  private _access?: Accessor;
  /** 1-D contiguous native views: item i is _typed[i] (it spans exactly the items). */
  private _typed?: TypedArray;
  /** Other 1-D typed views: item i is _strided[_k0 + i * _ks], for 0 <= i < _len. */
  private _strided?: TypedArray;
  /** 1-D views of other byte orders or alignments: item i is _readItem(_dv, _k0 + i * _ks) (bytes). */
  private _dv?: DataView;
  private _readItem?: Read;
  private _k0?: number;
  private _ks?: number;
  private _len?: number;
  /** Writable _typed/_strided views: which JS numbers set() may store directly. */
  private _writeRule?: WriteRule;

  constructor(source: BufferSource);
  /** @internal */ constructor(source: typeof INTERNAL, exp: Export, origin: number, shape: number[], strides: number[], compiled: CompiledFormat, readonly: boolean);
  constructor(source: unknown, exp?: Export, origin?: number, shape?: number[], strides?: number[], compiled?: CompiledFormat, readonly?: boolean) {
    let typed: TypedArray | undefined;
    if (source !== INTERNAL) {
      const l = resolveSource(source);
      typed = l.typed;
      exp = l.exp;
      origin = l.origin;
      shape = l.shape;
      strides = l.strides;
      compiled = l.compiled;
      readonly = l.readonly;
    }
    const c = compiled as CompiledFormat;
    const sh = shape as number[];
    const st = strides as number[];
    this._exp = exp as Export;
    this._origin = origin as number;
    this._shape = sh;
    this._strides = st;
    this._compiled = c;
    this._readonly = readonly as boolean;
    // The extent [lo, hi), as shape.ts's extent() computes it, inlined so that making
    // a view allocates no tuple (bench: memoryview-bulk, cast + slice).
    let lo = this._origin;
    let hi = lo + c.itemsize;
    for (let k = 0; k < sh.length; k++) {
      if (sh[k] === 0) {
        lo = hi = this._origin;
        break;
      }
      const reach = (sh[k] - 1) * st[k];
      if (reach < 0) lo += reach;
      else hi += reach;
    }
    this._lo = lo;
    this._hi = hi;
    this._exports = 0;
    this._len0 = sh.length > 0 ? sh[0] : 1;
    this._stride0 = sh.length > 0 ? st[0] : 0;
    // A view of a typed array gets its fast fields now, from the array itself
    // (no allocation; see "Fast fields").
    if (typed !== undefined) this.addTypedFields(typed);
    this._exp.views++;
    if (this._exp.mem !== null) collected.register(this, this._exp, this);
  }

  // ---------------------------------------------------------------- metadata

  get obj(): unknown {
    this.checkReleased();
    return this._exp.obj;
  }
  get nbytes(): number {
    this.checkReleased();
    return product(this._shape) * this._compiled.itemsize;
  }
  get readonly(): boolean {
    this.checkReleased();
    return this._readonly;
  }
  get itemsize(): number {
    this.checkReleased();
    return this._compiled.itemsize;
  }
  get format(): F {
    this.checkReleased();
    return this._compiled.format as F;
  }
  get ndim(): N {
    this.checkReleased();
    return this._shape.length as N;
  }
  get shape(): number[] {
    this.checkReleased();
    return this._shape.slice();
  }
  get strides(): number[] {
    this.checkReleased();
    return this._strides.slice();
  }
  get suboffsets(): number[] {
    this.checkReleased();
    return [];
  }
  get cContiguous(): boolean {
    this.checkReleased();
    return isCContiguous(this._shape, this._strides, this._compiled.itemsize);
  }
  get fContiguous(): boolean {
    this.checkReleased();
    return isFContiguous(this._shape, this._strides, this._compiled.itemsize);
  }
  get contiguous(): boolean {
    return this.cContiguous || this.fContiguous;
  }
  get length(): number {
    this.checkReleased();
    if (this._shape.length === 0) throw typeError('0-dim memory has no length');
    return this._shape[0];
  }

  // ---------------------------------------------------------------- item access

  /**
   * `get(i)`, `get(i, j, …)`: an item when every dimension gets an integer;
   * otherwise (fewer indices, or any Slice) a view of the selected items.
   */
  get<const I extends ReadonlyArray<Index | Slice>>(...index: I): GetResult<F, N, I>;
  get(i?: Index | Slice, j?: Index | Slice, ...rest: ReadonlyArray<Index | Slice>): unknown {
    // Fast paths: one integer into a 1-D view (only those have the fast fields),
    // through its typed array or its DataView. A fractional index reads a
    // non-element (undefined), as does a detached or shrunk buffer: both fall
    // through to the checked path. The first two indices are parameters of their
    // own: `j === undefined` folds away where get is called with one argument,
    // while branching on rest.length (or arguments.length) costs a branch per
    // item, 1.5x on an Int16Array-speed loop (bench: memoryview-item); inside
    // the selects below it costs nothing. So an undefined second index counts
    // as absent, here and in getSlow; a third index never takes a fast path.
    if (j === undefined && this._released !== true) {
      const typed = this._typed;
      if (typed !== undefined) {
        // Anything but one number reads element -1 (undefined, and no user code
        // runs), as do negative, out of range or fractional indices and detached
        // or shrunk memory: the checked path says why, or counts from the end.
        // (Node 22+ stops peeling the caller's loop when get() branches on its
        // index, 5-10x slower there; a select keeps it as fast as a typed array.)
        const value = typed[typeof i === 'number' && rest.length === 0 ? i : -1];
        if (value !== undefined) return value;
      } else if (this._len !== undefined && typeof i === 'number' && rest.length === 0) {
        const n = this._len;
        const at = i < 0 ? i + n : i;
        if (at >= 0 && at < n && Math.floor(at) === at) {
          const k = (this._k0 as number) + at * (this._ks as number);
          const strided = this._strided;
          if (strided !== undefined) {
            const value = strided[k];
            if (value !== undefined) return value;
          } else {
            try {
              return (this._readItem as Read)(this._dv as DataView, k);
            } catch {
              // detached or shrunk: the checked path below says so
            }
          }
        }
      }
    }
    if (j === undefined && rest.length === 0) {
      if (i instanceof Slice) return this.sliceFirst(i);
      return this.getSlow(i === undefined ? [] : [i]);
    }
    return this.getSlow([i as Index | Slice, j as Index | Slice, ...rest]);
  }

  /** get(slice): the common one-slice case, without building an index array. */
  private sliceFirst(key: Slice): MemoryView {
    this.checkReleased();
    if (this._shape.length === 0) throw typeError('invalid indexing of 0-dim memory');
    const [start, , step, count] = key.indices(this._shape[0]);
    const shape = this._shape.slice();
    const strides = this._strides.slice();
    shape[0] = count;
    strides[0] *= step;
    return this.derive(this._origin + start * this._strides[0], shape, strides, this._compiled);
  }

  private getSlow(index: ReadonlyArray<Index | Slice>): unknown {
    this.checkReleased();
    const ndim = this._shape.length;
    if (ndim === 1 && index.length === 1 && typeof index[0] === 'number') {
      const i = index[0];
      const j = i < 0 ? i + this._len0 : i;
      if (j >= 0 && j < this._len0 && Math.floor(j) === j) {
        const access = this._access ?? this.accessor();
        return access.read(this._origin - this._lo + j * this._stride0);
      }
    }
    if (ndim === 0) {
      if (index.length === 0) return this.readAt(this._origin);
      throw typeError('invalid indexing of 0-dim memory');
    }
    if (index.length > ndim) throw typeError(`memoryview: too many indices (${index.length} for ${ndim} dimensions)`);
    let allIntegers = index.length === ndim;
    let origin = this._origin;
    const shape: number[] = [];
    const strides: number[] = [];
    for (let k = 0; k < index.length; k++) {
      const key = index[k];
      if (key instanceof Slice) {
        allIntegers = false;
        const [start, , step, count] = key.indices(this._shape[k]);
        origin += start * this._strides[k];
        shape.push(count);
        strides.push(this._strides[k] * step);
      } else if (typeof key === 'number' || typeof key === 'bigint') {
        origin += normalizeIndex(key, this._shape[k], `index out of bounds on dimension ${k + 1}`) * this._strides[k];
      } else {
        throw typeError(`memoryview: invalid slice key: ${typeName(key)}`);
      }
    }
    if (allIntegers) return this.readAt(origin);
    for (let k = index.length; k < ndim; k++) {
      shape.push(this._shape[k]);
      strides.push(this._strides[k]);
    }
    return this.derive(origin, shape, strides, this._compiled);
  }

  /** Writes one item: `index` is a number, or an array with one integer per dimension. */
  set(index: Index | readonly Index[], value: unknown): void {
    // Fast path: a number into a writable 1-D typed view, range-checked inline.
    // The store is checked by reading back: an index out of range, a fractional
    // one, or a detached or shrunk buffer stores nothing and reads undefined
    // (cheaper than typed.length, bench: memoryview-item), and the checked path
    // then says why.
    const rule = this._writeRule;
    if (rule !== undefined && typeof index === 'number' && typeof value === 'number' && this._released !== true && (rule.integer === false || (value >= rule.min && value <= rule.max && Math.floor(value) === value))) {
      const typed = this._typed;
      if (typed !== undefined) {
        const j = index < 0 ? index + typed.length : index;
        typed[j] = value;
        if (typed[j] !== undefined) return;
      } else {
        const n = this._len as number;
        const j = index < 0 ? index + n : index;
        if (j >= 0 && j < n && Math.floor(j) === j) {
          const strided = this._strided as TypedArray;
          const k = (this._k0 as number) + j * (this._ks as number);
          strided[k] = value;
          if (strided[k] !== undefined) return;
        }
      }
    }
    this.setSlow(index, value);
  }

  private setSlow(index: Index | readonly Index[], value: unknown): void {
    this.checkReleased();
    if (this._readonly) throw typeError('cannot modify read-only memory', 'ERR_MEMVIEW_READONLY');
    const ndim = this._shape.length;
    let origin = this._origin;
    if (typeof index === 'number' && ndim === 1) {
      const n = this._len0;
      const j = index < 0 ? index + n : index;
      if (j >= 0 && j < n && Math.floor(j) === j) origin += j * this._stride0;
      else origin += normalizeIndex(index, n, 'index out of bounds on dimension 1') * this._stride0;
    } else {
      const indices: readonly unknown[] = globalThis.Array.isArray(index) ? index : [index];
      if (index instanceof Slice || indices.some((k) => k instanceof Slice)) {
        throw typeError('memoryview: set() takes integer indices; write slices with get(slice).assign(source)');
      }
      if (ndim === 0 && indices.length > 0) throw typeError('invalid indexing of 0-dim memory');
      if (indices.length > ndim) throw typeError(`memoryview: too many indices (${indices.length} for ${ndim} dimensions)`);
      if (indices.length < ndim) throw new NotImplementedError('memoryview: sub-views are not implemented; use get(...).assign(source)');
      for (let k = 0; k < ndim; k++) {
        origin += normalizeIndex(indices[k], this._shape[k], `index out of bounds on dimension ${k + 1}`) * this._strides[k];
      }
    }
    const access = this._access ?? this.accessor();
    const converted = access.convert(value);
    access.write(origin - this._lo, converted);
  }

  /** Copies `source` (any buffer source) into this view: CPython's `m[...] = source`. */
  assign(source: BufferSource): void {
    this.checkReleased();
    if (this._readonly) throw typeError('cannot modify read-only memory', 'ERR_MEMVIEW_READONLY');
    const src = source instanceof MemoryView ? source : new MemoryView(source);
    try {
      src.checkReleased();
      if (!sameShape(this._shape, src._shape) || !(native.format_same_items as (a: object, b: object) => boolean)(this._compiled.handle, src._compiled.handle)) {
        throw new ValueError('memoryview assignment: lvalue and rvalue have different structures', 'ERR_MEMVIEW_SHAPE');
      }
      kernels.view_assign(this.span(), this._origin - this._lo, this._strides, src.span(), src._origin - src._lo, src._strides, this._shape, this._compiled.itemsize);
    } finally {
      if (src !== source) src.release();
    }
  }

  *[Symbol.iterator](): Iterator<unknown> {
    this.checkReleased();
    if (this._shape.length === 0) throw typeError('invalid indexing of 0-dim memory');
    const n = this._shape[0];
    if (this._shape.length === 1) {
      for (let i = 0; i < n; i++) yield this.get(i);
      return;
    }
    // n-D: rows as views; they are released when the iteration finishes or is closed.
    const rows: MemoryView[] = [];
    try {
      for (let i = 0; i < n; i++) {
        const row = this.getSlow([i]) as MemoryView;
        rows.push(row);
        yield row;
      }
    } finally {
      for (const row of rows) row.release();
    }
  }

  // ---------------------------------------------------------------- methods

  cast<G extends string>(format: G): MemoryView<G, 1>;
  cast<G extends string, const S extends readonly number[]>(format: G, shape: S): MemoryView<G, S['length']>;
  cast(format: string, shape?: readonly Index[]): unknown {
    this.checkReleased();
    const target = compileFormat(format, FormatMode.View);
    const itemsize = this._compiled.itemsize;
    if (!isCContiguous(this._shape, this._strides, itemsize)) {
      throw typeError('memoryview: casts are restricted to C-contiguous views', 'ERR_MEMVIEW_CONTIGUITY');
    }
    if (!target.byteFormat && !this._compiled.byteFormat) {
      throw typeError('memoryview: cannot cast between two non-byte formats', 'ERR_MEMVIEW_FORMAT');
    }
    if ((shape !== undefined || this._shape.length !== 1) && this._shape.includes(0)) {
      throw typeError('memoryview: cannot cast view with zeros in shape or strides', 'ERR_MEMVIEW_SHAPE');
    }
    const nbytes = product(this._shape) * itemsize;
    let newShape: number[];
    if (shape === undefined) {
      if (nbytes % target.itemsize !== 0) throw typeError('memoryview: length is not a multiple of itemsize', 'ERR_MEMVIEW_SHAPE');
      newShape = [nbytes / target.itemsize];
    } else {
      if (!globalThis.Array.isArray(shape)) throw typeError('shape must be a list or a tuple', 'ERR_MEMVIEW_SHAPE');
      if (shape.length > MAX_NDIM) throw new ValueError(`memoryview: number of dimensions must not exceed ${MAX_NDIM}`, 'ERR_MEMVIEW_SHAPE');
      if (this._shape.length !== 1 && shape.length !== 1) throw typeError('memoryview: cast must be 1D -> ND or ND -> 1D', 'ERR_MEMVIEW_SHAPE');
      newShape = shape.map((n) => toIndex(n, 'memoryview.cast(): elements of shape'));
      if (newShape.some((n) => n <= 0)) throw new ValueError('memoryview.cast(): elements of shape must be integers > 0', 'ERR_MEMVIEW_SHAPE');
      let total = BigInt(target.itemsize);
      for (const n of newShape) total *= BigInt(n);
      if (total > SSIZE_MAX) throw new ValueError('memoryview.cast(): product(shape) > SSIZE_MAX', 'ERR_MEMVIEW_SHAPE');
      if (total !== BigInt(nbytes)) throw typeError('memoryview: product(shape) * itemsize != buffer size', 'ERR_MEMVIEW_SHAPE');
    }
    if (shape !== undefined && shape.length === 0 && nbytes !== target.itemsize) {
      throw typeError('memoryview: product(shape) * itemsize != buffer size', 'ERR_MEMVIEW_SHAPE');
    }
    const view = this.derive(this._lo, newShape, cStrides(newShape, target.itemsize), target);
    // A cast is most often made to be read item by item (memoryview(buf).cast('d')
    // per call, then a loop): it gets its fast fields now, so that the loop never
    // sees it change class (see "Fast fields"; ~20 ns for the typed array).
    if (newShape.length === 1) view.addFastFields(null, null);
    return view;
  }

  toList(): NestedList<ItemOf<F>, N> {
    this.checkReleased();
    const access = this._access ?? this.accessor();
    const base = this._origin - this._lo;
    if (this._shape.length === 0) return access.read(base) as NestedList<ItemOf<F>, N>;
    if (product(this._shape) > 0 && this._hi > this._lo) this.checkAlive();
    return this.listAt(access, base, 0) as NestedList<ItemOf<F>, N>;
  }

  private listAt(access: Accessor, offset: number, dim: number): unknown[] {
    const n = this._shape[dim];
    const stride = this._strides[dim];
    // A JS array holds at most 2**32 - 1 items (API.md §7: MemoryError beyond an engine limit).
    if (n > MAX_ARRAY_LENGTH) throw new MemoryError(`memoryview: toList() of ${n} items is longer than a JavaScript array can be`);
    // Preallocated: faster than push for large n (bench: memoryview-bulk, toList).
    const out: unknown[] = new globalThis.Array(n);
    if (dim === this._shape.length - 1) {
      const typed = access.typed;
      if (typed !== null) {
        // Hot loop: elements straight from the typed array (detached reads 0 items).
        const size = typed.BYTES_PER_ELEMENT;
        let k = offset / size;
        const step = stride / size;
        if (typed.length === 0 && n > 0) throw detachedError();
        for (let i = 0; i < n; i++, k += step) out[i] = typed[k];
        return out;
      }
      const dv = access.dataView;
      const read = access.readItem;
      if (dv !== null && read !== null) {
        try {
          for (let i = 0; i < n; i++) out[i] = read(dv, offset + i * stride);
        } catch {
          throw detachedError();
        }
        return out;
      }
      for (let i = 0; i < n; i++) out[i] = access.read(offset + i * stride);
      return out;
    }
    for (let i = 0; i < n; i++) out[i] = this.listAt(access, offset + i * stride, dim + 1);
    return out;
  }

  toBytes(order: 'C' | 'F' | 'A' = 'C'): Buffer {
    this.checkReleased();
    if (order !== 'C' && order !== 'F' && order !== 'A') throw new ValueError("order must be 'C', 'F' or 'A'");
    return kernels.view_tobytes(this.span(), this._origin - this._lo, this._shape, this._strides, this._compiled.itemsize, order);
  }

  hex(sep?: string, bytesPerSep = 1): string {
    this.checkReleased();
    if (sep !== undefined && typeof sep !== 'string') throw typeError(`sep must be str, not ${typeName(sep)}`);
    return kernels.view_hex(this.span(), this._origin - this._lo, this._shape, this._strides, this._compiled.itemsize, sep, toIndex(bytesPerSep, 'bytes_per_sep'));
  }

  toReadonly(): MemoryView<F, N> {
    this.checkReleased();
    const view = this.derive(this._origin, this._shape.slice(), this._strides.slice(), this._compiled);
    view._readonly = true;
    return view as unknown as MemoryView<F, N>;
  }

  toJSON(): unknown {
    return jsonable(this.toList());
  }

  equals(other: unknown): boolean {
    // As CPython: no identity shortcut (a view holding a NaN is not equal to
    // itself), except that a released view equals only itself.
    if (this._released === true) return other === this;
    let view: MemoryView;
    if (other instanceof MemoryView) {
      if (other._released === true) return false;
      view = other;
    } else {
      try {
        view = new MemoryView(other as BufferSource);
      } catch {
        return false;
      }
    }
    try {
      if (!sameShape(this._shape, view._shape)) return false;
      if (this._compiled.fields[0].kind === 'wchar' || view._compiled.fields[0].kind === 'wchar') return false;
      return kernels.view_equals(this.span(), this._origin - this._lo, this._shape, this._strides, this._compiled.handle, view.span(), view._origin - view._lo, view._shape, view._strides, view._compiled.handle);
    } finally {
      if (view !== other) view.release();
    }
  }

  count(value: unknown): number {
    return this.find(value, 0, Infinity, false, 'count');
  }

  index(value: unknown, start: Index = 0, stop: Index = Infinity): number {
    const found = this.find(value, start, stop, true, 'index');
    if (found < 0) throw new ValueError('memoryview.index(x): x not found');
    return found;
  }

  private find(value: unknown, start: Index, stop: Index, firstOnly: boolean, what: string): number {
    this.checkReleased();
    if (this._shape.length !== 1) {
      if (this._shape.length === 0) throw typeError('invalid lookup on 0-dim memory');
      throw new NotImplementedError(`multi-dimensional ${what} is not implemented`);
    }
    const n = this._shape[0];
    const [from, to] = clampRange(start, stop, n);
    // Detached memory refuses every search (API.md §7), even one no item could satisfy.
    this.checkAlive();
    if (from >= to) return firstOnly ? -1 : 0;
    if (this._stride0 === 0 && to - from > 1) {
      // Every item is the same memory (a share() descriptor may say so for 2**52 items):
      // one comparison answers for all of them.
      const found = this.find(value, from, from + 1, true, what) === from;
      return firstOnly ? (found ? from : -1) : found ? to - from : 0;
    }
    const field = this._compiled.fields[0];
    const origin = this._origin - this._lo;
    if (this._compiled.nvalues === 1 && field.kind === 'float' && (typeof value === 'number' || typeof value === 'boolean')) {
      return kernels.view_find_float(this.span(), origin, n, this._stride0, this._compiled.handle, Number(value), from, to, firstOnly);
    }
    if (this._compiled.nvalues === 1 && (field.kind === 'int' || field.kind === 'uint' || field.kind === 'bigint' || field.kind === 'biguint' || field.kind === 'pointer')) {
      const pattern = this.integerPattern(value);
      if (pattern === null) return firstOnly ? -1 : 0;
      return kernels.view_find(this.span(), origin, n, this._stride0, this._compiled.itemsize, pattern, from, to, firstOnly);
    }
    // Everything else (bool, bytes, records, float against bigint): item by item in JS.
    const access = this._access ?? this.accessor();
    let count = 0;
    for (let i = from; i < to; i++) {
      if (itemEquals(access.read(origin + i * this._stride0), value)) {
        if (firstOnly) return i;
        count++;
      }
    }
    return firstOnly ? -1 : count;
  }

  /** The item bytes of an integer equal to `value`, or null when no item can equal it. */
  private integerPattern(value: unknown): Uint8Array | null {
    let v: unknown = value;
    if (typeof v === 'boolean') v = v ? 1 : 0;
    if (typeof v === 'number' && !Number.isInteger(v)) return null;
    if (typeof v !== 'number' && typeof v !== 'bigint') return null;
    // 'P' stores -1 as 2**64 - 1, which reads back unequal to -1.
    if (v < 0 && this._compiled.fields[0].kind === 'pointer') return null;
    const scratch = new DataView(new ArrayBuffer(this._compiled.itemsize));
    const codec = valueCodecs(this._compiled, 'view')[0];
    let converted: Converted;
    try {
      converted = codec.convert(typeof v === 'number' && !Number.isSafeInteger(v) ? BigInt(v) : v);
    } catch {
      return null;
    }
    codec.write(scratch, 0, converted);
    return new Uint8Array(scratch.buffer);
  }

  /** A typed array over the same memory (zero copy); TypeError when there is none. */
  toTypedArray(): TypedArray {
    this.checkReleased();
    this.checkAlive();
    const Typed = typedArrayTypeOf(this._compiled);
    const size = Typed?.BYTES_PER_ELEMENT ?? 1;
    if (Typed === undefined || this._readonly || !isCContiguous(this._shape, this._strides, this._compiled.itemsize) || this._lo % size !== 0) {
      throw typeError('memoryview: toTypedArray() needs a writable, C-contiguous, aligned view of a native-order numeric format');
    }
    this.checkAlive();
    const mem = this._exp.mem;
    const buffer = mem !== null && mem.userBuffer !== undefined ? mem.userBuffer() : this._exp.buffer;
    if (mem !== null && mem.userBuffer === undefined) {
      throw typeError('memoryview: this memory cannot be handed out as a typed array');
    }
    try {
      return new Typed(buffer, this._lo, (this._hi - this._lo) / size);
    } catch {
      // An empty view over a detached (or shrunk) buffer: checkAlive had no byte to check.
      throw detachedError();
    }
  }

  /** A structured-cloneable description of a view over a SharedArrayBuffer. */
  share(): SharedDescriptor {
    this.checkReleased();
    const buffer = this._exp.buffer;
    if (!types.isSharedArrayBuffer(buffer)) {
      throw typeError('memoryview: share() needs a view over a SharedArrayBuffer');
    }
    return { buffer, byteOffset: this._origin, format: this._compiled.format, shape: this._shape.slice(), strides: this._strides.slice(), readonly: this._readonly };
  }

  release(): void {
    if (this._released) return;
    if (this._exports > 0) {
      throw new BufferError(`memoryview has ${this._exports} exported buffer${this._exports === 1 ? '' : 's'}`, 'ERR_MEMVIEW_EXPORTED');
    }
    this._released = true;
    if (this._exp.mem !== null) collected.unregister(this);
    this._exp.drop();
  }

  [Symbol.dispose](): void {
    this.release();
  }

  toString(): string {
    return inspectView(this as unknown as MemoryView);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return inspectView(this as unknown as MemoryView);
  }

  // ---------------------------------------------------------------- internals

  /** @internal */
  get isReleased(): boolean {
    return this._released === true;
  }

  /** @internal Throws ValueError when released. */
  checkReleased(): void {
    if (this._released === true) throw releasedError();
  }

  /** @internal Throws ValueError when the extent is no longer inside the buffer. */
  checkAlive(): void {
    if (this._hi === this._lo) return;
    let ok: boolean;
    try {
      ok = new Uint8Array(this._exp.buffer, this._lo, this._hi - this._lo).length === this._hi - this._lo;
    } catch {
      ok = false;
    }
    if (!ok) throw detachedError();
  }

  /** @internal A DataView over exactly the extent, for native kernels (they re-check its length). */
  span(): DataView {
    try {
      return new DataView(this._exp.buffer, this._lo, this._hi - this._lo);
    } catch {
      return new DataView(new ArrayBuffer(0));
    }
  }

  private accessor(): Accessor {
    this.checkReleased();
    const first = this._origin - this._lo;
    const access = makeAccessor(this._exp.buffer, this._lo, this._hi - this._lo, this._compiled, first, this._strides);
    // Fast fields first, then _access: a view that got them in the constructor
    // and one that gets them here pass through the same hidden classes.
    const hasFastFields = this._typed !== undefined || this._strided !== undefined || this._dv !== undefined;
    if (this._shape.length === 1 && !hasFastFields) this.addFastFields(access.typed, access.dataView);
    this._access = access;
    return access;
  }

  /** The contiguous fast fields: `typed` spans exactly the items. */
  private addTypedFields(typed: TypedArray): void {
    this._typed = typed;
    const rule = this._readonly ? undefined : writeRuleOf(this._compiled);
    if (rule !== undefined) this._writeRule = rule;
  }

  /**
   * Adds the 1-D fast fields, each exactly once, in one order per kind of path
   * (see "Fast fields"): over the accessor's typed array or DataView when it
   * has one, else over a new one of the extent (nothing when the memory is gone).
   */
  private addFastFields(typed: TypedArray | null, dv: DataView | null): void {
    const c = this._compiled;
    const first = this._origin - this._lo;
    const single = c.nvalues === 1 && c.fields[0].kind !== 'wchar';
    if (typed === null && dv === null) {
      typed = typedArrayOver(this._exp.buffer, this._lo, this._hi - this._lo, c, first, this._strides);
      if (typed === null && single) {
        try {
          dv = new DataView(this._exp.buffer, this._lo, this._hi - this._lo);
        } catch {
          return; // detached or shrunk now: the checked paths say so, and add these later
        }
      }
    }
    if (typed !== null && this._stride0 !== 0) {
      const size = typed.BYTES_PER_ELEMENT;
      if (first === 0 && this._stride0 === size) {
        this.addTypedFields(typed); // contiguous: the accessor's typed array spans exactly the items
        return;
      }
      this._strided = typed;
      this._k0 = first / size;
      this._ks = this._stride0 / size;
      this._len = this._len0;
      const rule = this._readonly ? undefined : writeRuleOf(this._compiled);
      if (rule !== undefined) this._writeRule = rule;
    } else if (dv !== null && single) {
      this._dv = dv;
      this._readItem = itemReader(c);
      this._k0 = first;
      this._ks = this._stride0;
      this._len = this._len0;
    }
  }

  private readAt(origin: number): unknown {
    const access = this._access ?? this.accessor();
    return access.read(origin - this._lo);
  }

  /** @internal A view sharing this one's export. */
  derive(origin: number, shape: number[], strides: number[], compiled: CompiledFormat): MemoryView {
    return new MemoryView(INTERNAL, this._exp, origin, shape, strides, compiled, this._readonly);
  }
}

const MAX_ARRAY_LENGTH = 2 ** 32 - 1;

/** Which JS numbers set() may store straight into a typed array: within [min, max], integers only when `integer`. */
interface WriteRule {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}
const ANY_NUMBER: WriteRule = { min: -Infinity, max: Infinity, integer: false };

/** The format's rule, or undefined when number values must take the checked path ('e' overflow, bigints). */
function writeRuleOf(compiled: CompiledFormat): WriteRule | undefined {
  let rule = compiled.memo.writeRule as WriteRule | null | undefined;
  if (rule === undefined) {
    const field = compiled.fields[0];
    rule = null;
    if (field.kind === 'float') rule = field.size === 2 ? null : ANY_NUMBER; // 'e' checks overflow
    else if (field.kind === 'int' || field.kind === 'uint') {
      const [min, max] = numberRange(field);
      rule = { min, max, integer: true };
    }
    compiled.memo.writeRule = rule;
  }
  return rule ?? undefined;
}

function clampRange(start: Index, stop: Index, n: number): [number, number] {
  const clamp = (v: Index): number => {
    const x = typeof v === 'number' && !Number.isFinite(v) ? (v > 0 ? n : 0) : toIndex(v);
    const y = x < 0 ? x + n : x;
    return y < 0 ? 0 : y > n ? n : y;
  };
  return [clamp(start), clamp(stop)];
}

function jsonable(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (globalThis.Array.isArray(value)) return value.map(jsonable);
  if (Buffer.isBuffer(value)) return value.toJSON();
  return value;
}

/** `memoryview(source)` ≡ `new MemoryView(source)`. */
export function memoryview<S extends BufferSource>(source: S): MemoryView<FormatOf<S>, NdimOf<S>> {
  return new MemoryView(source) as MemoryView<FormatOf<S>, NdimOf<S>>;
}

/** @internal For struct: the bytes of a C-contiguous view, as a DataView. */
export function internalSpan(view: MemoryView, writable: boolean): { dv: DataView; byteOffset: number; byteLength: number } {
  view.checkReleased();
  if (writable && view._readonly) throw typeError('argument must be read-write bytes-like object, not a readonly memoryview', 'ERR_MEMVIEW_READONLY');
  if (!isCContiguous(view._shape, view._strides, view._compiled.itemsize)) {
    throw new BufferError('memoryview: underlying buffer is not C-contiguous', 'ERR_MEMVIEW_CONTIGUITY');
  }
  view.checkAlive();
  const byteLength = product(view._shape) * view._compiled.itemsize;
  // span(): an empty DataView when an empty view's buffer is detached (checkAlive lets those pass).
  return { dv: view.span(), byteOffset: 0, byteLength };
}

