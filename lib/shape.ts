// shape.ts — shape and stride arithmetic shared by views: C strides, item
// counts, CPython's contiguity flags and shape equivalence, the byte extent.
// Strides are in bytes.

export const MAX_NDIM = 64;
export const SSIZE_MAX = (1n << 63n) - 1n;

export function cStrides(shape: readonly number[], itemsize: number): number[] {
  const strides = new globalThis.Array<number>(shape.length);
  let stride = itemsize;
  for (let k = shape.length - 1; k >= 0; k--) {
    strides[k] = stride;
    stride *= shape[k];
  }
  return strides;
}

export function product(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

// CPython's flags: 0-d views are contiguous; 1-D views when their one item or
// their stride says so (so an empty reversed view is not); n-D views as
// PyBuffer_IsContiguous, where a view without items is contiguous.
export function isCContiguous(shape: readonly number[], strides: readonly number[], itemsize: number): boolean {
  if (shape.length === 0) return true;
  if (shape.length === 1) return shape[0] === 1 || strides[0] === itemsize;
  if (product(shape) === 0) return true;
  let expected = itemsize;
  for (let k = shape.length - 1; k >= 0; k--) {
    if (shape[k] > 1 && strides[k] !== expected) return false;
    expected *= shape[k];
  }
  return true;
}

export function isFContiguous(shape: readonly number[], strides: readonly number[], itemsize: number): boolean {
  if (shape.length <= 1) return isCContiguous(shape, strides, itemsize);
  if (product(shape) === 0) return true;
  let expected = itemsize;
  for (let k = 0; k < shape.length; k++) {
    if (shape[k] > 1 && strides[k] !== expected) return false;
    expected *= shape[k];
  }
  return true;
}

/** [lo, hi): the bytes holding every item (empty at origin when there are no items). */
export function extent(origin: number, shape: readonly number[], strides: readonly number[], itemsize: number): [number, number] {
  let lo = origin;
  let hi = origin + itemsize;
  for (let k = 0; k < shape.length; k++) {
    if (shape[k] === 0) return [origin, origin];
    const reach = (shape[k] - 1) * strides[k];
    if (reach < 0) lo += reach;
    else hi += reach;
  }
  return [lo, hi];
}

/** CPython's equiv_shape: same ndim, same extents up to the first empty dimension. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) {
    if (a[k] !== b[k]) return false;
    if (a[k] === 0) break;
  }
  return true;
}
