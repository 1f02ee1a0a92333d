// format.ts — compiled formats, as C++ compiles them (binding/format.cc).
//
// lib/ never parses a format: it asks format_compile once per (text, mode) and
// keeps the result in a small bounded cache, so a hot `struct.unpack(fmt, …)`
// or `cast(fmt)` costs one Map lookup.
import { native } from './binding';
import { typeError } from './errors';

/** What one value of a field reads as (binding/format_table.h ValueKind). */
export type ValueKind =
  | 'int'
  | 'uint'
  | 'bigint'
  | 'biguint'
  | 'pointer'
  | 'float'
  | 'bool'
  | 'char'
  | 'bytes'
  | 'pascal'
  | 'wchar';

/** `count` consecutive values of one code, `size` bytes each, from `offset` in the item. */
export interface FieldRun {
  readonly code: string;
  readonly kind: ValueKind;
  readonly littleEndian: boolean;
  readonly offset: number;
  readonly size: number;
  readonly count: number;
}

export interface CompiledFormat {
  readonly format: string;
  readonly itemsize: number;
  readonly alignment: number;
  /** Values per item: 1 = scalar items, ≥ 2 = record items (JS arrays). */
  readonly nvalues: number;
  readonly byteOrder: '@' | '=' | '<' | '>' | '!';
  readonly nativeSizes: boolean;
  /** One value of item size 1 with code B, b or c (cast's "byte format"). */
  readonly byteFormat: boolean;
  /** One value in host byte order filling the item: candidates for typed-array access. */
  readonly nativeSingle: boolean;
  readonly fields: readonly FieldRun[];
  /** Opaque native handle passed back to kernels. */
  readonly handle: object;
  /** Facts lib/ derives from the format, computed once each (see memoryview.ts). */
  readonly memo: FormatMemo;
}

/** Per-format values derived in JS on first use, kept with the compiled format. */
export class FormatMemo {
  /** memoryview.ts's set() rule: undefined until computed, null for none. */
  writeRule: unknown = undefined;
}

export const enum FormatMode {
  Struct = 0,
  View = 1,
  Array = 2,
}

const formatCompile = native.format_compile as (text: string, mode: FormatMode) => CompiledFormat;

const CACHE_LIMIT = 256;
const caches = [new Map<string, CompiledFormat>(), new Map<string, CompiledFormat>(), new Map<string, CompiledFormat>()];
// The last few formats of each mode, checked before the Map: `memoryview(ab).cast('d')`
// alternates 'B' and 'd', and a loop of unpack('<iHd', …) repeats one (bench:
// memoryview-bulk, cast + slice). Literal format strings are internalized, so
// these comparisons are pointer compares.
const RECENT = 4;
const recentText: Array<string | undefined> = new globalThis.Array(3 * RECENT).fill(undefined);
const recentCompiled: Array<CompiledFormat | undefined> = new globalThis.Array(3 * RECENT).fill(undefined);
const recentNext = [0, 0, 0];

/** Compiles (or finds) `text`; bad formats throw StructError (Struct mode) or ValueError. */
export function compileFormat(text: unknown, mode: FormatMode): CompiledFormat {
  if (typeof text !== 'string') {
    throw typeError(
      mode === FormatMode.Struct
        ? `Struct() argument 1 must be a str, not ${typeName(text)}`
        : `memoryview: format argument must be a string, not ${typeName(text)}`,
      'ERR_MEMVIEW_FORMAT',
    );
  }
  const first = mode * RECENT;
  for (let k = first; k < first + RECENT; k++) {
    if (recentText[k] === text) return recentCompiled[k] as CompiledFormat;
  }
  const cache = caches[mode];
  let compiled = cache.get(text);
  if (compiled === undefined) {
    compiled = formatCompile(text, mode);
    (compiled as { memo: FormatMemo }).memo = new FormatMemo();
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(text, compiled);
  }
  const slot = first + recentNext[mode];
  recentNext[mode] = (recentNext[mode] + 1) % RECENT;
  recentText[slot] = text;
  recentCompiled[slot] = compiled;
  return compiled;
}

/** Python-ish name of a JS value's type, for messages. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}
