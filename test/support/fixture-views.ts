// Shared by the memoryview fixture tests (cpython and errors): the fixture's
// tagged JSON shapes, the API as those tests drive it (typed loosely on purpose:
// they pass bad inputs too), and building a view from a fixture spec.
import { MemoryView, memoryview, slice } from '../../lib';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Int = number | { big: string };
export type Key = Int | { slice: (Int | null)[] };
export type Op = { cast: string; shape?: Int[] } | { get: Key[] };
export interface Spec {
  src: string;
  ops: Op[];
}

export interface MV {
  readonly obj: unknown;
  readonly nbytes: number;
  readonly readonly: boolean;
  readonly itemsize: number;
  readonly format: string;
  readonly ndim: number;
  readonly shape: number[];
  readonly strides: number[];
  readonly suboffsets: number[];
  readonly cContiguous: boolean;
  readonly fContiguous: boolean;
  readonly contiguous: boolean;
  readonly length: number;
  get(...index: unknown[]): unknown;
  set(index: unknown, value: unknown): void;
  assign(source: unknown): void;
  cast(format?: unknown, shape?: unknown): MV;
  toList(): unknown;
  toBytes(order?: unknown): Buffer;
  hex(sep?: unknown, bytesPerSep?: unknown): string;
  toReadonly(): MV;
  toJSON(): unknown;
  equals(other: unknown): boolean;
  count(value: unknown): number;
  index(value: unknown, start?: unknown, stop?: unknown): number;
  release(): void;
  toTypedArray(): unknown;
  share(): Record<string, unknown>;
  toString(): string;
  [Symbol.iterator](): Iterator<unknown>;
  [Symbol.dispose](): void;
}

export const mv = (source: unknown): MV => memoryview(source as never) as unknown as MV;
export const sl = (...args: unknown[]): unknown => (slice as unknown as (...a: unknown[]) => unknown)(...args);
export const int = (x: Int): number | bigint => (typeof x === 'number' ? x : BigInt(x.big));

export function asView(x: unknown): MV {
  expect(x).toBeInstanceOf(MemoryView);
  return x as MV;
}

export function key(k: Key): unknown {
  if (typeof k === 'number' || 'big' in k) return int(k);
  return sl(...k.slice.map((b) => (b === null ? null : int(b))));
}

export function applyOp(v: MV, op: Op): unknown {
  if ('cast' in op) return op.shape === undefined ? v.cast(op.cast) : v.cast(op.cast, op.shape.map(int));
  return v.get(...op.get.map(key));
}

/** The JS values that stand for a fixture input ({"int"}: a number when safe, and a bigint). */
export function inputs(v: Json): unknown[] {
  if (v === null || typeof v !== 'object') return [v];
  if (Array.isArray(v)) return [v];
  if ('int' in v) {
    const b = BigInt(v.int as string);
    return Number.isSafeInteger(Number(b)) && BigInt(Number(b)) === b ? [Number(b), b] : [b];
  }
  if ('float' in v) return [{ nan: NaN, inf: Infinity, '-inf': -Infinity, '-0': -0 }[v.float as string]];
  if ('bytes' in v) {
    const b = Buffer.from(v.bytes as string, 'hex');
    return [b, new Uint8Array(b)];
  }
  if ('str' in v) return [v.str];
  if ('none' in v) return [null, undefined];
  if ('list' in v) return [(v.list as Json[]).map((x) => inputs(x)[0])];
  throw new Error(`unknown input ${JSON.stringify(v)}`);
}

export const hexOf = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** sourceBytes(name): a fresh, 8-byte-aligned copy of a fixture source; build(spec): its view after spec.ops. */
export function fixtureBuilders(sources: Record<string, string>): {
  sourceBytes(name: string): Uint8Array;
  build(spec: Spec, u8?: Uint8Array): unknown;
} {
  const sourceBytes = (name: string): Uint8Array => {
    const bytes = Buffer.from(sources[name], 'hex');
    const u8 = new Uint8Array(new ArrayBuffer(bytes.length));
    u8.set(bytes);
    return u8;
  };
  const build = (spec: Spec, u8: Uint8Array = sourceBytes(spec.src)): unknown => {
    let v: unknown = mv(u8);
    for (const op of spec.ops) v = applyOp(asView(v), op);
    return v;
  };
  return { sourceBytes, build };
}
