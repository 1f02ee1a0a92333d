// mmap.ts — memory-mapped files (API.md §6): mmap() and flush().
//
// The JS layer owns the API's shape (defaults, validation, Node-style system
// errors); binding/mmap.cc owns the mapping: open + fstat + mmap, a refcount,
// munmap. One mmap() call is one export (lib/exporter.ts) of one mapping,
// shared by every view derived from the returned one; it ends, and the pages
// are unmapped, when the last of those views is released or collected — unless
// a typed array from toTypedArray() still holds them (each holds its own ref).
//
// Invariant (binding/mmap.h states it in full): the export's internal
// ArrayBuffer holds no ref and never reaches users; release() detaches it
// before dropping the export's ref, so no JS object can reach unmapped pages.
// A readonly ('r') mapping has no userBuffer(): no writable JS memory over its
// PROT_READ pages ever exists.
import { fileURLToPath } from 'node:url';
import { getSystemErrorMap, getSystemErrorName } from 'node:util';

import { native } from './binding';
import { ValueError, typeError } from './errors';
import { ExportedMemory, MemoryOwner, kExport } from './exporter';
import { typeName } from './format';
import { MemoryView } from './memoryview';

interface MmapNative {
  mmap_open(path: string, mode: number, offset: number, length: number): { handle: object; buffer: ArrayBuffer; byteOffset: number; byteLength: number };
  mmap_arraybuffer(handle: object): ArrayBuffer;
  mmap_release(handle: object, buffer: ArrayBuffer): void;
  mmap_flush(handle: object, byteOffset: number, byteLength: number): void;
}
const mmapNative = native as unknown as MmapNative;

/** Access modes, as numbered by binding/mmap.cc. */
const MODES = { r: 0, 'r+': 1, c: 2 } as const;
export type MmapMode = keyof typeof MODES;

export interface MmapOptions {
  /** 'r' readonly (default), 'r+' read/write through to the file, 'c' copy-on-write (writes stay in this process). */
  mode?: MmapMode;
  /** First byte of the file to map; any byte offset. Default 0. */
  offset?: number | bigint;
  /** Bytes to map. Default: the rest of the file. */
  length?: number | bigint;
}

/** One mmap() call's export: the mapping, as MemoryView sees it. */
class MappedMemory implements ExportedMemory {
  readonly format = 'B';
  readonly obj = null;
  readonly readonly: boolean;
  readonly userBuffer?: () => ArrayBufferLike;
  private released = false;

  constructor(
    readonly handle: object,
    readonly buffer: ArrayBuffer,
    readonly byteOffset: number,
    readonly byteLength: number,
    readonly mode: MmapMode,
    readonly path: string,
  ) {
    this.readonly = mode === 'r';
    if (mode !== 'r') this.userBuffer = () => mmapNative.mmap_arraybuffer(this.handle);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    mmapNative.mmap_release(this.handle, this.buffer);
  }
}

/** The mapping behind each live export, by its internal buffer (which every view over it shares). */
const mappings = new WeakMap<ArrayBufferLike, MappedMemory>();

/** Node's own system error for a failed system call (code 'ENOENT', errno -2, syscall, path). */
function systemError(error: unknown, path: string): unknown {
  const e = error as { memviewSystemError?: boolean; errno?: number; syscall?: string };
  if (typeof e !== 'object' || e === null || e.memviewSystemError !== true || typeof e.errno !== 'number') return error;
  const errno = e.errno;
  const [code, description] = getSystemErrorMap().get(errno) ?? [getSystemErrorName(errno), 'unknown error'];
  const err = new Error(`${code}: ${description}, ${e.syscall} '${path}'`) as Error & { errno: number; code: string; syscall: string; path: string };
  err.errno = errno;
  err.code = code;
  err.syscall = e.syscall as string;
  err.path = path;
  return err;
}

function toPath(path: unknown): string {
  let text: string;
  if (typeof path === 'string') text = path;
  else if (path instanceof URL) text = fileURLToPath(path);
  else throw typeError(`mmap: path must be a string or a file URL, not '${typeName(path)}'`);
  if (text.includes('\0')) throw typeError('mmap: path must not contain null bytes');
  return text;
}

/** A byte offset or length: an integer number or bigint ≥ 0 (a safe integer: no file is larger). */
function toByteCount(value: unknown, what: 'offset' | 'length', beyond: string): number {
  if (typeof value !== 'number' && typeof value !== 'bigint') {
    throw typeError(`mmap: ${what} must be an integer, not '${typeName(value)}'`);
  }
  if (typeof value === 'number' && !Number.isInteger(value)) throw new ValueError(`mmap: ${what} must be an integer, not ${value}`);
  if (value < 0) throw new ValueError(`memory mapped ${what} must be positive`);
  if (value > Number.MAX_SAFE_INTEGER) throw new ValueError(beyond);
  return Number(value);
}

/**
 * Maps a file (or `length` bytes of it from `offset`) into memory and returns a
 * MemoryView of format 'B' over its pages (API.md §6).
 */
export function mmap(path: string | URL, options: MmapOptions = {}): MemoryView<'B', 1> {
  // Defaults, then validation, then the native call.
  const file = toPath(path);
  if (typeof options !== 'object' || options === null) throw typeError(`mmap: options must be an object, not '${typeName(options)}'`);
  const { mode = 'r', offset = 0, length } = options;
  if (typeof mode !== 'string') throw typeError(`mmap: mode must be a string, not '${typeName(mode)}'`);
  if (!Object.prototype.hasOwnProperty.call(MODES, mode)) throw new ValueError(`mmap: mode must be 'r', 'r+' or 'c', not '${mode}'`);
  const start = toByteCount(offset, 'offset', 'mmap offset is greater than file size');
  let count = -1;
  if (length !== undefined) {
    count = toByteCount(length, 'length', 'mmap length is greater than file size');
    if (count === 0) throw new ValueError('memory mapped length must be positive');
  }

  let opened: ReturnType<MmapNative['mmap_open']>;
  try {
    opened = mmapNative.mmap_open(file, MODES[mode], start, count);
  } catch (error) {
    throw systemError(error, file);
  }
  const mem = new MappedMemory(opened.handle, opened.buffer, opened.byteOffset, opened.byteLength, mode, file);
  mappings.set(mem.buffer, mem);
  const owner: MemoryOwner = { [kExport]: () => mem };
  try {
    return new MemoryView(owner) as MemoryView<'B', 1>;
  } catch (error) {
    mem.release();
    throw error;
  }
}

/**
 * Writes the dirty pages under `view` (its extent, rounded out to pages) to the
 * file and waits for the write (msync MS_SYNC). Only for views over an 'r+'
 * mapping; TypeError for any other view.
 */
export function flush(view: MemoryView): void {
  const mem = view instanceof MemoryView ? mappings.get(view._exp.buffer) : undefined;
  if (mem === undefined || mem.mode !== 'r+') {
    throw typeError(
      !(view instanceof MemoryView)
        ? `flush: expected a MemoryView of an mmap() mapping, not '${typeName(view)}'`
        : mem === undefined
          ? 'flush: this view is not over an mmap() mapping'
          : `flush: a mapping in mode '${mem.mode}' does not write to its file; only 'r+' mappings can be flushed`,
    );
  }
  view.checkReleased();
  try {
    mmapNative.mmap_flush(mem.handle, view._lo, view._hi - view._lo);
  } catch (error) {
    throw systemError(error, mem.path);
  }
}
