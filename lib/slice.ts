// slice.ts — Python slices and indices (API.md §2).
//
// slice(start?, stop?, step?) in JavaScript's argument order: slice(1) is [1:].
// Bounds are validated when the slice is made; `indices(length)` clamps them as
// CPython's PySlice_AdjustIndices does.
import { IndexError, ValueError, typeError } from './errors';
import { typeName } from './format';

export type Index = number | bigint;
type Bound = Index | null | undefined;

function bound(value: Bound): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value); // beyond 2**53 it clamps the same way
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw typeError(`slice indices must be integers or null, not ${typeName(value)}`);
}

export class Slice {
  readonly start: number | null;
  readonly stop: number | null;
  readonly step: number | null;

  constructor(start?: Bound, stop?: Bound, step?: Bound) {
    this.start = bound(start);
    this.stop = bound(stop);
    this.step = bound(step);
    if (this.step === 0) throw new ValueError('slice step cannot be zero');
  }

  /** [start, stop, step, count] for a sequence of `length` items (CPython's clamping). */
  indices(length: number): [number, number, number, number] {
    const step = this.step ?? 1;
    let start: number;
    let stop: number;
    if (step > 0) {
      start = this.start === null ? 0 : clamp(this.start, length, 0, length);
      stop = this.stop === null ? length : clamp(this.stop, length, 0, length);
    } else {
      start = this.start === null ? length - 1 : clamp(this.start, length, -1, length - 1);
      stop = this.stop === null ? -1 : clamp(this.stop, length, -1, length - 1);
    }
    let count = 0;
    if (step > 0 && start < stop) count = Math.floor((stop - start - 1) / step) + 1;
    else if (step < 0 && stop < start) count = Math.floor((start - stop - 1) / -step) + 1;
    return [start, stop, step, count];
  }

  toString(): string {
    return `slice(${this.start}, ${this.stop}, ${this.step})`;
  }
}

function clamp(value: number, length: number, low: number, high: number): number {
  const v = value < 0 ? value + length : value;
  return v < low ? low : v > high ? high : v;
}

/** A Slice: slice() is [:], slice(1) is [1:], slice(1, -1, 2) is [1:-1:2]. */
export function slice(start?: Bound, stop?: Bound, step?: Bound): Slice {
  return new Slice(start, stop, step);
}

/** An integer index (number or bigint) as a number; TypeError for anything else. */
export function toIndex(value: unknown, what = 'index'): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return value;
  } else if (typeof value === 'bigint') {
    return Number(value);
  }
  throw typeError(`${what} must be an integer, not ${typeName(value)}`);
}

/** `index` (may be negative) checked against `length`: IndexError when outside. */
export function normalizeIndex(value: unknown, length: number, message: string): number {
  const i = toIndex(value);
  const j = i < 0 ? i + length : i;
  if (j < 0 || j >= length) throw new IndexError(message);
  return j;
}
