// compare.ts — Python's == between one item and a JS value (count, index,
// remove, includes): numbers and bigints by exact numeric value, true/false as
// 1/0, bytes bytewise, record items against JS arrays of the same values.

function numeric(value: unknown): number | bigint | undefined {
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return undefined;
}

/** Exact numeric equality across number and bigint (2**53 + 1 ≠ 2**53). */
function numbersEqual(a: number | bigint, b: number | bigint): boolean {
  if (typeof a === typeof b) return a === b;
  const n = (typeof a === 'number' ? a : b) as number;
  const big = (typeof a === 'bigint' ? a : b) as bigint;
  return Number.isInteger(n) && BigInt(n) === big;
}

export function itemEquals(item: unknown, value: unknown): boolean {
  const a = numeric(item);
  if (a !== undefined) {
    const b = numeric(value);
    return b !== undefined && numbersEqual(a, b);
  }
  if (item instanceof Uint8Array) {
    return value instanceof Uint8Array && Buffer.compare(item, value) === 0;
  }
  if (Array.isArray(item)) {
    return Array.isArray(value) && value.length === item.length && item.every((x, i) => itemEquals(x, value[i]));
  }
  return item === value;
}
