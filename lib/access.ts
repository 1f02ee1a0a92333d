// access.ts — per-item reads and writes of one view, in JS over the same memory.
//
// A view's accessor is built on first use and covers exactly the view's extent
// (the byte range holding its items). Native-order aligned formats with a typed
// array type read through that typed array; everything else through a DataView
// and layout.ts's per-field closures. Both are fixed-length, so after the
// buffer is detached, transferred or shrunk below the extent, a typed array
// reads `undefined` and reports length 0, and a DataView throws: either way
// the accessor throws ValueError and never touches memory.
import { NotImplementedError, ValueError } from './errors';
import { CompiledFormat } from './format';
import { Read, itemReader, valueCodecs } from './layout';
import { Converted } from './values';

export type TypedArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;
type TypedArrayConstructor = { new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray; BYTES_PER_ELEMENT: number };

const Float16ArrayCtor = (globalThis as unknown as { Float16Array?: TypedArrayConstructor }).Float16Array;

/** The typed array type whose elements are exactly the items of a native single-value format. */
export function typedArrayTypeOf(compiled: CompiledFormat): TypedArrayConstructor | undefined {
  if (!compiled.nativeSingle) return undefined;
  const { kind, size } = compiled.fields[0];
  switch (kind) {
    case 'int':
      return size === 1 ? Int8Array : size === 2 ? Int16Array : Int32Array;
    case 'uint':
      return size === 1 ? Uint8Array : size === 2 ? Uint16Array : Uint32Array;
    case 'bigint':
      return size === 8 ? BigInt64Array : undefined;
    case 'biguint':
    case 'pointer':
      return size === 8 ? BigUint64Array : undefined;
    case 'float':
      return size === 8 ? Float64Array : size === 4 ? Float32Array : Float16ArrayCtor;
    default:
      return undefined;
  }
}

export function detachedError(): ValueError {
  return new ValueError('memoryview: underlying buffer is detached or out of bounds', 'ERR_MEMVIEW_DETACHED');
}

export function releasedError(): ValueError {
  return new ValueError('operation forbidden on released memoryview object', 'ERR_MEMVIEW_RELEASED');
}

/** Reads and writes items at byte offsets relative to the extent's first byte. */
export interface Accessor {
  /** Typed array over the extent, when items are its elements (else null). */
  readonly typed: TypedArray | null;
  /** Else, for single-value formats: the DataView over the extent and its item reader. */
  readonly dataView: DataView | null;
  readonly readItem: Read | null;
  read(offset: number): unknown;
  /** `value` comes from `convert`: conversion happens before memory is touched. */
  write(offset: number, value: Converted | Converted[]): void;
  convert(value: unknown): Converted | Converted[];
}

/**
 * `first` is the byte offset of item (0,…,0) from `lo`; `strides` are the
 * view's. The typed array path needs every item on an element boundary:
 * strides that are not multiples of the item size (possible in share()
 * descriptors and C-API memory) read through the DataView.
 */
export function makeAccessor(buffer: ArrayBufferLike, lo: number, nbytes: number, compiled: CompiledFormat, first = 0, strides: readonly number[] = []): Accessor {
  if (compiled.fields[0].kind === 'wchar') return wcharAccessor(compiled);
  const typed = typedArrayOver(buffer, lo, nbytes, compiled, first, strides);
  if (typed !== null) return typedAccessor(typed, typed.BYTES_PER_ELEMENT, compiled);
  return dataViewAccessor(buffer, lo, nbytes, compiled);
}

/**
 * A typed array over the `nbytes` at `lo` whose elements include every item
 * (the format's own type, every item on an element boundary), or null: no
 * such type, misaligned, or the memory is detached now or longer than a
 * typed array may span (the DataView path decides then).
 */
export function typedArrayOver(buffer: ArrayBufferLike, lo: number, nbytes: number, compiled: CompiledFormat, first: number, strides: readonly number[]): TypedArray | null {
  const Typed = typedArrayTypeOf(compiled);
  if (Typed === undefined) return null;
  const size = Typed.BYTES_PER_ELEMENT;
  if (lo % size !== 0 || nbytes % size !== 0 || first % size !== 0) return null;
  for (let k = 0; k < strides.length; k++) if (strides[k] % size !== 0) return null;
  try {
    return new Typed(buffer, lo, nbytes / size);
  } catch {
    return null;
  }
}

function typedAccessor(typed: TypedArray, size: number, compiled: CompiledFormat): Accessor {
  const convert = valueCodecs(compiled, 'view')[0].convert;
  return {
    typed,
    dataView: null,
    readItem: null,
    read(offset) {
      const value = typed[offset / size];
      if (value === undefined) throw detachedError();
      return value;
    },
    write(offset, value) {
      const k = offset / size;
      if (k >= typed.length) throw detachedError();
      (typed as unknown as Converted[])[k] = value as Converted;
    },
    convert,
  };
}

function dataViewAccessor(buffer: ArrayBufferLike, lo: number, nbytes: number, compiled: CompiledFormat): Accessor {
  let dv: DataView | null = null;
  try {
    dv = new DataView(buffer, lo, nbytes);
  } catch {
    // Detached or shrunk right now; retried on each access (a resizable buffer may grow back).
  }
  const view = (): DataView => {
    if (dv === null) dv = new DataView(buffer, lo, nbytes);
    return dv;
  };
  const read = itemReader(compiled);
  const codecs = valueCodecs(compiled, 'view');
  const record = codecs.length > 1;
  const format = compiled.format;
  return {
    typed: null,
    dataView: record ? null : dv,
    readItem: record ? null : read,
    read(offset) {
      try {
        return read(view(), offset);
      } catch {
        throw detachedError();
      }
    },
    write(offset, value) {
      const target = (() => {
        try {
          return view();
        } catch {
          throw detachedError();
        }
      })();
      try {
        if (record) {
          const values = value as Converted[];
          for (let i = 0; i < codecs.length; i++) codecs[i].write(target, offset, values[i]);
        } else {
          codecs[0].write(target, offset, value as Converted);
        }
      } catch {
        throw detachedError();
      }
    },
    convert(value) {
      if (!record) return codecs[0].convert(value);
      if (!globalThis.Array.isArray(value)) {
        throw Object.assign(new TypeError(`memoryview: invalid type for format '${format}'`), { code: 'ERR_MEMVIEW_TYPE' });
      }
      if (value.length !== codecs.length) {
        throw new ValueError(`memoryview: invalid value for format '${format}': expected ${codecs.length} values, got ${value.length}`);
      }
      return codecs.map((codec, i) => codec.convert(value[i]));
    },
  };
}

function wcharAccessor(compiled: CompiledFormat): Accessor {
  const fail = (): never => {
    throw new NotImplementedError(`memoryview: format ${compiled.format} not supported`);
  };
  return { typed: null, dataView: null, readItem: null, read: fail, write: fail, convert: fail };
}
