// view-types.ts — the type-level half of MemoryView: what an item of a format
// reads as, and what get(...) returns for a view of known dimensions (issue 3,
// checked by test/memoryview.types.test.ts). No run-time code.
import type { MemoryView } from './memoryview';
import type { bufferProtocol } from './protocol';
import type { Slice } from './slice';

type Prefix = '@' | '=' | '<' | '>' | '!';
type BigCode = 'l' | 'L' | 'q' | 'Q' | 'n' | 'N' | 'P';
type NumberCode = 'b' | 'B' | 'h' | 'H' | 'i' | 'I' | 'e' | 'f' | 'd';
type CodeItem<C> = C extends BigCode ? bigint : C extends NumberCode ? number : C extends '?' ? boolean : C extends 'c' ? Buffer : Item;
/** What one item of format F reads as (API.md §1); a union where F is not a literal single code. */
export type ItemOf<F extends string> = string extends F ? Item : F extends `${Prefix}${infer C}` ? CodeItem<C> : CodeItem<F>;
/** Any item: a scalar, or for record formats an array of scalars. */
export type Item = number | bigint | boolean | Buffer | string | Array<number | bigint | boolean | Buffer>;
/** A JS value accepted by a write (values are checked at run time, API.md §1). */
export type WriteValue<F extends string> = ItemOf<F> extends bigint ? bigint | number : ItemOf<F> extends number ? number | bigint : unknown;
/** Nested arrays of items, `toList()`'s result. */
export type NestedList<T, N extends number> = N extends 0 ? T : N extends 1 ? T[] : N extends 2 ? T[][] : N extends 3 ? T[][][] : unknown[];

export type FormatOf<S> = S extends Float64Array
  ? 'd'
  : S extends Float32Array
    ? 'f'
    : S extends BigInt64Array
      ? 'q'
      : S extends BigUint64Array
        ? 'Q'
        : S extends Int32Array
          ? 'i'
          : S extends Uint32Array
            ? 'I'
            : S extends Int16Array
              ? 'h'
              : S extends Uint16Array
                ? 'H'
                : S extends Int8Array
                  ? 'b'
                  : S extends Uint8Array | Uint8ClampedArray | DataView | ArrayBuffer | SharedArrayBuffer
                    ? 'B'
                    : S extends MemoryView<infer F, number>
                      ? F
                      : string;
export type NdimOf<S> = S extends MemoryView<string, infer N> ? N : S extends ArrayBufferView | ArrayBufferLike ? 1 : number;

/** Anything memoryview() accepts (API.md §3). */
export type BufferSource = ArrayBufferView | ArrayBufferLike | MemoryView | SharedDescriptor | { [bufferProtocol](flags: number): MemoryView } | object;

type Decrement = [-1, 0, 1, 2, 3, 4, 5, 6, 7, 8];
type HasSlice<I extends ReadonlyArray<unknown>> = I extends readonly [infer H, ...infer T] ? (H extends Slice ? true : HasSlice<T>) : false;
type DropDims<N extends number, K extends number> = K extends 0 ? N : N extends Decrement[number] ? DropDims<Decrement[N] & number, Decrement[K] & number> : number;
/** What get(...index) returns for a view of N dimensions (number when unknown). */
export type GetResult<F extends string, N extends number, I extends ReadonlyArray<unknown>> = number extends N
  ? ItemOf<F> | MemoryView<F>
  : number extends I['length']
    ? ItemOf<F> | MemoryView<F>
    : HasSlice<I> extends true
      ? MemoryView<F>
      : I['length'] extends N
        ? ItemOf<F>
        : N extends 0
          ? ItemOf<F>
          : MemoryView<F, DropDims<N, I['length']>>;

/** `share()`'s structured-cloneable description of a view over a SharedArrayBuffer. */
export interface SharedDescriptor {
  buffer: SharedArrayBuffer;
  byteOffset: number;
  format: string;
  shape: number[];
  strides: number[];
  readonly: boolean;
}
