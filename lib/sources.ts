// sources.ts — what memoryview() accepts (API.md §3's table), resolved to raw
// coordinates: a buffer, a byte range in it and a format. MemoryView and
// struct both use it, so "what is a buffer" is answered in one place.
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

const Float16ArrayCtor = (globalThis as unknown as { Float16Array?: new () => unknown }).Float16Array;

// The item format of each JS typed array type (API.md §3).
const typedArrayFormats = new Map<unknown, string>([
  [Uint8Array, 'B'],
  [Uint8ClampedArray, 'B'],
  [Int8Array, 'b'],
  [Int16Array, 'h'],
  [Uint16Array, 'H'],
  [Int32Array, 'i'],
  [Uint32Array, 'I'],
  [Float32Array, 'f'],
  [Float64Array, 'd'],
  [BigInt64Array, 'q'],
  [BigUint64Array, 'Q'],
]);
if (Float16ArrayCtor !== undefined) typedArrayFormats.set(Float16ArrayCtor, 'e');

function typedArrayFormat(view: ArrayBufferView): string | undefined {
  // Buffer and user subclasses: walk up to the built-in constructor.
  let proto = Object.getPrototypeOf(view);
  while (proto !== null) {
    const format = typedArrayFormats.get(proto.constructor);
    if (format !== undefined) return format;
    proto = Object.getPrototypeOf(proto);
  }
  return undefined;
}

/** A Buffer, typed array, DataView, ArrayBuffer or SharedArrayBuffer; undefined for anything else. */
export function plainSource(source: unknown): PlainSource | undefined {
  if (ArrayBuffer.isView(source)) {
    const format = source instanceof DataView ? 'B' : typedArrayFormat(source);
    if (format === undefined) return undefined;
    // A length-tracking typed array's current length is taken once, here.
    return { buffer: source.buffer, byteOffset: source.byteOffset, byteLength: source.byteLength, format };
  }
  if (source instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && source instanceof SharedArrayBuffer)) {
    return { buffer: source, byteOffset: 0, byteLength: source.byteLength, format: 'B' };
  }
  return undefined;
}

export function notABuffer(source: unknown): TypeError {
  return typeError(`memoryview: a bytes-like object is required, not '${typeName(source)}'`);
}

export { isMemoryOwner };
export type { ExportedMemory };
