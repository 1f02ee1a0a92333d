// exporter.ts — the internal protocol between memory owners and views.
//
// A source that owns memory (an Array, an mmap, C-API memory) implements
// [kExport](): it hands out its memory as an ExportedMemory and counts the
// export until `release()` is called. MemoryView calls release() exactly once,
// when the last view sharing that export is released or garbage-collected
// (CPython's managed buffer). Plain JS buffers need no exporter.

/** Internal: a memory owner's export hook (not part of the public API). */
export const kExport: unique symbol = Symbol('memview.export');

export interface ExportedMemory {
  /** Backing memory; for native memory an external ArrayBuffer never handed to users. */
  readonly buffer: ArrayBufferLike;
  readonly byteOffset: number;
  readonly byteLength: number;
  /** Format of the exported items ('w' for u/w Arrays), 1-D contiguous. */
  readonly format: string;
  readonly readonly: boolean;
  /** What `view.obj` shows: the owner, or null for mmap and C-API memory. */
  readonly obj: unknown;
  /**
   * A fresh ArrayBuffer over the same memory that is safe to hand to users
   * (toTypedArray): it keeps the memory alive until it is collected. Absent
   * where the memory cannot outlive its owner that way.
   */
  userBuffer?(): ArrayBufferLike;
  /** Ends the export (unlocks an Array, unmaps a file). Called exactly once. */
  release(): void;
}

export interface MemoryOwner {
  [kExport](): ExportedMemory;
}

export function isMemoryOwner(value: unknown): value is MemoryOwner {
  return typeof value === 'object' && value !== null && typeof (value as Partial<MemoryOwner>)[kExport] === 'function';
}
