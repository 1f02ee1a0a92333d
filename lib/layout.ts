// layout.ts — per-value and per-item accessors, built once per compiled format
// from the fields C++ compiled (never from a second parser).
//
// Readers and writers take a DataView and a byte offset; writers take values
// already converted by values.ts. One closure per field, composed per item, so
// the hot paths of views and struct stay monomorphic for a given format.
import { CompiledFormat, FieldRun } from './format';
import { halfBitsToNumber, numberToHalfBits } from './half';
import { Api, Converted, Converter, makeConverter } from './values';

export type Read = (dv: DataView, offset: number) => unknown;
export type Write = (dv: DataView, offset: number, value: Converted) => void;

/** One value of a format: where it sits in the item, and how to read, convert and write it. */
export interface ValueCodec {
  readonly field: FieldRun;
  readonly offset: number;
  readonly read: Read;
  readonly write: Write;
  readonly convert: Converter;
}

function bytesAt(dv: DataView, offset: number, size: number): Uint8Array {
  return new Uint8Array(dv.buffer, dv.byteOffset + offset, size);
}

function reader(field: FieldRun, at: number): Read {
  const le = field.littleEndian;
  const size = field.size;
  switch (field.kind) {
    case 'int':
      if (size === 1) return (dv, o) => dv.getInt8(o + at);
      if (size === 2) return (dv, o) => dv.getInt16(o + at, le);
      return (dv, o) => dv.getInt32(o + at, le);
    case 'uint':
      if (size === 1) return (dv, o) => dv.getUint8(o + at);
      if (size === 2) return (dv, o) => dv.getUint16(o + at, le);
      return (dv, o) => dv.getUint32(o + at, le);
    case 'bigint':
      if (size === 4) return (dv, o) => BigInt(dv.getInt32(o + at, le));
      return (dv, o) => dv.getBigInt64(o + at, le);
    case 'biguint':
    case 'pointer':
      if (size === 4) return (dv, o) => BigInt(dv.getUint32(o + at, le));
      return (dv, o) => dv.getBigUint64(o + at, le);
    case 'float':
      if (size === 2) return (dv, o) => halfBitsToNumber(dv.getUint16(o + at, le));
      if (size === 4) return (dv, o) => dv.getFloat32(o + at, le);
      return (dv, o) => dv.getFloat64(o + at, le);
    case 'bool':
      return (dv, o) => dv.getUint8(o + at) !== 0;
    case 'char':
      return (dv, o) => Buffer.from([dv.getUint8(o + at)]);
    case 'bytes':
      return (dv, o) => Buffer.from(bytesAt(dv, o + at, size));
    case 'pascal':
      return (dv, o) => {
        if (size === 0) return Buffer.alloc(0);
        const n = Math.min(dv.getUint8(o + at), size - 1);
        return Buffer.from(bytesAt(dv, o + at + 1, n));
      };
    case 'wchar':
      return (dv, o) => String.fromCodePoint(dv.getUint32(o + at, le));
  }
}

function writer(field: FieldRun, at: number): Write {
  const le = field.littleEndian;
  const size = field.size;
  switch (field.kind) {
    case 'int':
      if (size === 1) return (dv, o, v) => dv.setInt8(o + at, v as number);
      if (size === 2) return (dv, o, v) => dv.setInt16(o + at, v as number, le);
      return (dv, o, v) => dv.setInt32(o + at, v as number, le);
    case 'uint':
    case 'char':
      if (size === 1) return (dv, o, v) => dv.setUint8(o + at, v as number);
      if (size === 2) return (dv, o, v) => dv.setUint16(o + at, v as number, le);
      return (dv, o, v) => dv.setUint32(o + at, v as number, le);
    case 'bigint':
      if (size === 4) return (dv, o, v) => dv.setInt32(o + at, Number(v), le);
      return (dv, o, v) => dv.setBigInt64(o + at, v as bigint, le);
    case 'biguint':
    case 'pointer':
      if (size === 4) return (dv, o, v) => dv.setUint32(o + at, Number(v), le);
      return (dv, o, v) => dv.setBigUint64(o + at, v as bigint, le);
    case 'float':
      if (size === 2) return (dv, o, v) => dv.setUint16(o + at, numberToHalfBits(v as number), le);
      if (size === 4) return (dv, o, v) => dv.setFloat32(o + at, v as number, le);
      return (dv, o, v) => dv.setFloat64(o + at, v as number, le);
    case 'bool':
      return (dv, o, v) => dv.setUint8(o + at, v ? 1 : 0);
    case 'bytes':
      return (dv, o, v) => {
        const src = v as Uint8Array;
        const dst = bytesAt(dv, o + at, size);
        const n = Math.min(src.length, size);
        dst.set(src.subarray(0, n));
        dst.fill(0, n);
      };
    case 'pascal':
      return (dv, o, v) => {
        if (size === 0) return;
        const src = v as Uint8Array;
        const dst = bytesAt(dv, o + at, size);
        // CPython copies up to size - 1 bytes, and caps only the length byte at 255.
        const n = Math.min(src.length, size - 1);
        dst[0] = Math.min(n, 255);
        dst.set(src.subarray(0, n), 1);
        dst.fill(0, 1 + n);
      };
    case 'wchar':
      return (dv, o, v) => dv.setUint32(o + at, v as number, le);
  }
}

const valueCodecCache = [new WeakMap<CompiledFormat, ValueCodec[]>(), new WeakMap(), new WeakMap()];
const apiIndex: Record<Api, number> = { view: 0, array: 1, struct: 2 };

/** One codec per value of an item, in order (a run of count n gives n codecs). */
export function valueCodecs(compiled: CompiledFormat, api: Api): readonly ValueCodec[] {
  const cache = valueCodecCache[apiIndex[api]] as WeakMap<CompiledFormat, ValueCodec[]>;
  let codecs = cache.get(compiled);
  if (codecs === undefined) {
    codecs = [];
    for (const field of compiled.fields) {
      const convert = makeConverter(field, compiled, api);
      for (let i = 0; i < field.count; i++) {
        const offset = field.offset + i * field.size;
        codecs.push({ field, offset, read: reader(field, offset), write: writer(field, offset), convert });
      }
    }
    cache.set(compiled, codecs);
  }
  return codecs;
}

/** Reads a whole item: its value, or for records a JS array of its values. */
export function itemReader(compiled: CompiledFormat): Read {
  const codecs = valueCodecs(compiled, 'view');
  if (codecs.length === 1) return codecs[0].read;
  const reads = codecs.map((c) => c.read);
  return (dv, o) => {
    const out = new Array(reads.length);
    for (let i = 0; i < reads.length; i++) out[i] = reads[i](dv, o);
    return out;
  };
}
