// sources.ts — what memoryview() accepts (API.md §3's table), resolved to raw
// coordinates: a buffer, a byte range in it and a format. MemoryView and
// struct both use it, so "what is a buffer" is answered in one place.
import { types } from 'node:util';

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
const typedArrayName = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag)
  ?.get as (this: unknown) => string | undefined;

/** The item format of a JS typed array (undefined for a DataView). */
export function typedArrayFormat(view: ArrayBufferView): string | undefined {
  const name = typedArrayName.call(view);
  return name === undefined ? undefined : typedArrayFormats[name];
}

/** A Buffer, typed array, DataView, ArrayBuffer or SharedArrayBuffer; undefined for anything else. */
export function plainSource(source: unknown): PlainSource | undefined {
  if (ArrayBuffer.isView(source)) {
    const format = types.isDataView(source) ? 'B' : typedArrayFormat(source);
    if (format === undefined) return undefined;
    // A length-tracking typed array's current length is taken once, here.
    return { buffer: source.buffer, byteOffset: source.byteOffset, byteLength: source.byteLength, format };
  }
  // instanceof first (fast), util.types for buffers of another realm.
  if (source instanceof ArrayBuffer || types.isArrayBuffer(source) || types.isSharedArrayBuffer(source)) {
    return { buffer: source, byteOffset: 0, byteLength: source.byteLength, format: 'B' };
  }
  return undefined;
}

export function notABuffer(source: unknown): TypeError {
  return typeError(`memoryview: a bytes-like object is required, not '${typeName(source)}'`);
}

export { isMemoryOwner };
export type { ExportedMemory };
