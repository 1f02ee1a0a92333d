// values.ts — JS value → item value, with API.md §1's rules (JS rule: exact
// integers only, booleans only for '?'), and the error class each API uses.
//
// A converter never calls user code (no valueOf, no iterators), so callers
// convert first and touch memory last.
import { OverflowError, StructError, ValueError, typeError } from './errors';
import { CompiledFormat, FieldRun, typeName } from './format';
import { numberToHalfBits } from './half';

/** Whose rules a rejected value follows: memoryview, array.array or struct. */
export type Api = 'view' | 'array' | 'struct';

/** A converted value, ready for a writer: number, bigint, boolean, bytes or a code point. */
export type Converted = number | bigint | boolean | Uint8Array;
export type Converter = (value: unknown) => Converted;

const FLOAT32_MAX = 3.4028234663852886e38;
const U64_MAX = (1n << 64n) - 1n;

function wrongType(api: Api, field: FieldRun, format: string, value: unknown): Error {
  if (api === 'view') return typeError(`memoryview: invalid type for format '${format}'`);
  if (api === 'struct') {
    if (field.kind === 'float') return new StructError('required argument is not a float');
    if (field.kind === 'char') return new StructError('char format requires a bytes object of length 1');
    if (field.kind === 'bytes' || field.kind === 'pascal') return new StructError(`argument for '${field.code}' must be a bytes object`);
    return new StructError('required argument is not an integer');
  }
  if (field.kind === 'float') return typeError(`must be real number, not ${typeName(value)}`);
  if (field.kind === 'wchar') return typeError('array item must be unicode character');
  return typeError(`'${typeName(value)}' object cannot be interpreted as an integer`);
}

function outOfRange(api: Api, field: FieldRun, format: string, low: bigint | number, high: bigint | number, value: unknown): Error {
  if (api === 'view') return new ValueError(`memoryview: invalid value for format '${format}'`);
  if (api === 'struct') {
    if (field.kind === 'float') return new OverflowError(`float too large to pack with ${field.code} format`);
    return new StructError(`'${field.code}' format requires ${low} <= number <= ${high}`);
  }
  if (field.kind === 'float') return new OverflowError('int too large to convert to float');
  const side = (typeof value === 'bigint' ? value < BigInt(low) : (value as number) < Number(low)) ? 'less than minimum' : 'greater than maximum';
  return new OverflowError(`array item for typecode '${field.code}' is ${side} (${low} <= x <= ${high})`);
}

/** [min, max] of an 'int'/'uint' field (1, 2 or 4 bytes): the one place that knows them. */
export function numberRange(field: FieldRun): [number, number] {
  const bits = field.size * 8;
  return field.kind === 'int' ? [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1] : [0, 2 ** bits - 1];
}

/** Value converter for one field of `format`, rejecting as `api` does. */
export function makeConverter(field: FieldRun, compiled: CompiledFormat, api: Api): Converter {
  const format = compiled.format;
  const size = field.size;
  switch (field.kind) {
    // Each numeric converter is a one-line test of the common case plus an
    // out-of-line `checked` for everything else (bigints, errors): small enough
    // for V8 to inline into a caller's hot loop (struct's packInto, view set).
    case 'int':
    case 'uint': {
      // 1, 2 or 4 bytes: always a JS number.
      const [low, high] = numberRange(field);
      const checked = (value: unknown): number => {
        if (typeof value === 'number') {
          if (!Number.isInteger(value)) throw wrongType(api, field, format, value);
          if (value < low || value > high) throw outOfRange(api, field, format, low, high, value);
          return value;
        }
        if (typeof value === 'bigint') {
          if (value < low || value > high) throw outOfRange(api, field, format, low, high, value);
          return Number(value);
        }
        throw wrongType(api, field, format, value);
      };
      return (value) => (typeof value === 'number' && value >= low && value <= high && Number.isInteger(value) ? value : checked(value));
    }
    case 'bigint':
    case 'biguint':
    case 'pointer': {
      // Always a bigint, whatever the size (4 for '<l', 8 otherwise).
      const bits = BigInt(size * 8);
      const low = field.kind === 'bigint' ? -(1n << (bits - 1n)) : field.kind === 'pointer' ? -1n : 0n;
      const high = field.kind === 'bigint' ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
      const wrap = field.kind === 'pointer';
      const fastLow = wrap ? 0n : low;
      const checked = (value: unknown): bigint => {
        let big: bigint;
        if (typeof value === 'bigint') big = value;
        else if (typeof value === 'number' && Number.isSafeInteger(value)) big = BigInt(value);
        else throw wrongType(api, field, format, value);
        if (big < low || big > high) throw outOfRange(api, field, format, low, high, big);
        return wrap && big < 0n ? U64_MAX : big;
      };
      return (value) => (typeof value === 'bigint' && value >= fastLow && value <= high ? value : checked(value));
    }
    case 'float': {
      // Standard-size 'f' and every 'e' overflow; native 'f' rounds to ±Infinity (CPython).
      const checkFloat32 = size === 4 && !compiled.nativeSizes;
      const isHalf = size === 2;
      // Numbers up to `limit` in magnitude (and NaN) need no check.
      const limit = isHalf ? 65504 : checkFloat32 ? FLOAT32_MAX : Infinity;
      const checked = (value: unknown): number => {
        let x: number;
        if (typeof value === 'number') x = value;
        else if (typeof value === 'bigint') {
          x = Number(value);
          if (!Number.isFinite(x)) {
            // CPython's struct fails PyFloat_AsDouble here: "required argument is not a float".
            if (api === 'struct') throw wrongType(api, field, format, value);
            throw outOfRange(api, field, format, -Number.MAX_VALUE, Number.MAX_VALUE, value);
          }
        } else throw wrongType(api, field, format, value);
        if (checkFloat32 && Number.isFinite(x) && !Number.isFinite(Math.fround(x)) && Math.abs(x) > FLOAT32_MAX) {
          throw outOfRange(api, field, format, -FLOAT32_MAX, FLOAT32_MAX, value);
        }
        if (isHalf && numberToHalfBits(x) < 0) throw outOfRange(api, field, format, -65504, 65504, value);
        return x;
      };
      return (value) => (typeof value === 'number' && !(Math.abs(value) > limit) ? value : checked(value));
    }
    case 'bool':
      // JS rule: truthiness (NaN, 0, '', null, undefined are false).
      return (value) => !!value;
    case 'char':
      return (value) => {
        if (!(value instanceof Uint8Array)) throw wrongType(api, field, format, value);
        if (value.length !== 1) {
          if (api === 'view') throw new ValueError(`memoryview: invalid value for format '${format}'`);
          throw wrongType(api, field, format, value);
        }
        return value[0];
      };
    case 'bytes':
    case 'pascal':
      return (value) => {
        if (!(value instanceof Uint8Array)) throw wrongType(api, field, format, value);
        return value;
      };
    case 'wchar':
      return (value) => {
        if (typeof value !== 'string') throw wrongType(api, field, format, value);
        const cp = value.codePointAt(0);
        if (cp === undefined || value.length !== (cp > 0xffff ? 2 : 1)) throw wrongType(api, field, format, value);
        return cp;
      };
  }
}
