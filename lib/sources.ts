// sources.ts — what memoryview() accepts (API.md §3's table), resolved to raw
// coordinates: a buffer, a byte range in it and a format. MemoryView, struct
// and Array all use it, so "what is a buffer" is answered in one place.
import { types } from 'node:util';

import { detachedError } from './access';
import { typeError } from './errors';
import { ExportedMemory, isMemoryOwner } from './exporter';
import { typeName } from './format';

/** Where a plain JS source's bytes are, and how its items read. */
export interface PlainSource {
  readonly buffer: ArrayBufferLike;
  readonly byteOffset: number;
  readonly byteLength: number;
  readonly format: string;
}

// The item format of each JS typed array type (API.md §3), by the engine's own
// name for it: realm-independent (structuredClone and vm contexts hand out
// buffers of another realm) and immune to subclasses such as Buffer.
const typedArrayFormats: Record<string, string> = {
  Uint8Array: 'B',
  Uint8ClampedArray: 'B',
  Int8Array: 'b',
  Int16Array: 'h',
  Uint16Array: 'H',
  Int32Array: 'i',
  Uint32Array: 'I',
  Float16Array: 'e',
  Float32Array: 'f',
  Float64Array: 'd',
  BigInt64Array: 'q',
  BigUint64Array: 'Q',
};

// The engine's own getters: a subclass (or an object's own accessor) cannot
// redirect a view to other bytes or another buffer than the one the typed array
// really covers, and no user code runs while a source is resolved.
function intrinsicGetter<T>(proto: object, key: PropertyKey): (this: unknown) => T {
  return Object.getOwnPropertyDescriptor(proto, key)?.get as (this: unknown) => T;
}
const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const typedArrayName = intrinsicGetter<string | undefined>(typedArrayProto, Symbol.toStringTag);
const typedArrayBuffer = intrinsicGetter<ArrayBufferLike>(typedArrayProto, 'buffer');
const typedArrayByteOffset = intrinsicGetter<number>(typedArrayProto, 'byteOffset');
const typedArrayByteLength = intrinsicGetter<number>(typedArrayProto, 'byteLength');
const dataViewBuffer = intrinsicGetter<ArrayBufferLike>(DataView.prototype, 'buffer');
const dataViewByteOffset = intrinsicGetter<number>(DataView.prototype, 'byteOffset');
const dataViewByteLength = intrinsicGetter<number>(DataView.prototype, 'byteLength');
const arrayBufferByteLength = intrinsicGetter<number>(ArrayBuffer.prototype, 'byteLength');
const sharedArrayBufferByteLength = intrinsicGetter<number>(SharedArrayBuffer.prototype, 'byteLength');
const arrayBufferResizable = intrinsicGetter<boolean | undefined>(ArrayBuffer.prototype, 'resizable');
const sharedArrayBufferGrowable = intrinsicGetter<boolean | undefined>(SharedArrayBuffer.prototype, 'growable');

/** True when `buffer` can change length (a resizable ArrayBuffer or growable SharedArrayBuffer). */
export function canChangeLength(buffer: ArrayBufferLike): boolean {
  const shared = types.isSharedArrayBuffer(buffer);
  const getter = shared ? sharedArrayBufferGrowable : arrayBufferResizable;
  return getter !== undefined && getter.call(buffer) === true;
}

/** The item format of a JS typed array (undefined for a DataView). */
export function typedArrayFormat(view: ArrayBufferView): string | undefined {
  const name = typedArrayName.call(view);
  return name === undefined ? undefined : typedArrayFormats[name];
}

/**
 * A Buffer, typed array, DataView, ArrayBuffer or SharedArrayBuffer; undefined
 * for anything else. A DataView whose buffer is detached or shrank below it is
 * ValueError ERR_MEMVIEW_DETACHED (its getters throw); a typed array reports
 * length 0 then, and so does its source.
 */
export function plainSource(source: unknown): PlainSource | undefined {
  if (ArrayBuffer.isView(source)) {
    if (types.isDataView(source)) {
      try {
        return { buffer: dataViewBuffer.call(source), byteOffset: dataViewByteOffset.call(source), byteLength: dataViewByteLength.call(source), format: 'B' };
      } catch {
        throw detachedError();
      }
    }
    const format = typedArrayFormat(source);
    if (format === undefined) return undefined;
    // A length-tracking typed array's current length is taken once, here.
    return { buffer: typedArrayBuffer.call(source), byteOffset: typedArrayByteOffset.call(source), byteLength: typedArrayByteLength.call(source), format };
  }
  // instanceof first (fast), util.types for buffers of another realm.
  if (source instanceof ArrayBuffer || types.isArrayBuffer(source)) {
    return { buffer: source as ArrayBuffer, byteOffset: 0, byteLength: arrayBufferByteLength.call(source), format: 'B' };
  }
  if (types.isSharedArrayBuffer(source)) {
    return { buffer: source, byteOffset: 0, byteLength: sharedArrayBufferByteLength.call(source), format: 'B' };
  }
  return undefined;
}

export function notABuffer(source: unknown): TypeError {
  return typeError(`memoryview: a bytes-like object is required, not '${typeName(source)}'`);
}

export { isMemoryOwner };
export type { ExportedMemory };
