// capi.ts — the JS half of the C-level buffer protocol (API.md §8, include/memview.h).
//
// binding/capi.cc publishes a table of C functions per env; the parts that
// need views are these three hooks, handed to it once at load:
//   getBuffer(obj)      memview_get_buffer: obj → a view (obj itself when it is
//                       a MemoryView, else memoryview(obj), which the export
//                       then owns); counts an export of that very view and
//                       describes it for C (native checks the request flags).
//   releaseBuffer(tok)  memview_release_buffer: ends that export.
//   wrapMemory(...)     memview_from_memory: a MemoryView (obj null) over an
//                       external ArrayBuffer of foreign memory.
// Exported views are kept here, by token, until C releases them: an export
// must keep its view (and so its memory) alive whatever JS drops.
import * as path from 'node:path';

import { native } from './binding';
import { ExportedMemory, kExport } from './exporter';
import { FormatMode, compileFormat } from './format';
import { BufferSource, MemoryView } from './memoryview';

/** Absolute path of the folder holding memview.h (unquoted, for CMake and gyp). */
export const include: string = path.join(__dirname, '..', 'include');

interface CapiNative {
  capi_publish(getBuffer: (obj: unknown) => Descriptor, releaseBuffer: (token: number) => void, wrapMemory: WrapMemory, registry: Registry): Registry;
  capi_memory_arraybuffer(handle: object, buffer: ArrayBuffer): ArrayBuffer;
  capi_memory_release(buffer: ArrayBuffer): void;
}
const capi = native as unknown as CapiNative;

/** [span over the extent, Float64Array [token, origin in span, itemsize, readonly, ndim, ...shape, ...strides], format]. */
type Descriptor = [DataView, Float64Array, string];
type WrapMemory = (buffer: ArrayBuffer, handle: object, format: string, shape: number[], strides: number[], readonly: boolean) => MemoryView;

interface Exported {
  view: MemoryView;
  /** memoryview(obj) made for this export: released with it. */
  created: boolean;
}

/**
 * The env's exported views by token. Native keeps the first one it is given,
 * so that every copy of lib/ loaded in one env (a test runner's fresh module
 * registry) shares it: an export started by one copy ends through any other.
 */
interface Registry {
  views: Map<number, Exported>;
  nextToken: number;
}

function getBuffer(obj: unknown): Descriptor {
  const created = !(obj instanceof MemoryView);
  const view = created ? new MemoryView(obj as BufferSource) : (obj as MemoryView);
  try {
    view.checkReleased();
    view.checkAlive();
  } catch (error) {
    if (created) view.release();
    throw error;
  }
  const ndim = view._shape.length;
  const token = registry.nextToken++;
  const meta = new Float64Array(5 + 2 * ndim);
  meta[0] = token;
  meta[1] = view._origin - view._lo;
  meta[2] = view._compiled.itemsize;
  meta[3] = view._readonly ? 1 : 0;
  meta[4] = ndim;
  for (let k = 0; k < ndim; k++) {
    meta[5 + k] = view._shape[k];
    meta[5 + ndim + k] = view._strides[k];
  }
  view._exports++;
  registry.views.set(token, { view, created });
  return [view.span(), meta, view._compiled.format];
}

function releaseBuffer(token: number): void {
  const entry = registry.views.get(token);
  if (entry === undefined) return;
  registry.views.delete(token);
  entry.view._exports--;
  if (entry.created) entry.view.release();
}

function wrapMemory(buffer: ArrayBuffer, handle: object, format: string, shape: number[], strides: number[], readonly: boolean): MemoryView {
  const compiled = compileFormat(format, FormatMode.View);
  const mem: ExportedMemory = {
    buffer,
    byteOffset: 0,
    byteLength: buffer.byteLength,
    format: 'B',
    readonly,
    obj: null,
    userBuffer: () => capi.capi_memory_arraybuffer(handle, buffer),
    // The last view is gone: the buffer's ref goes now, not at the next GC.
    release: () => capi.capi_memory_release(buffer),
  };
  // A byte view of the whole memory, then the described one sharing its export.
  const whole = new MemoryView({ [kExport]: () => mem });
  try {
    return whole.derive(0, shape, strides, compiled);
  } finally {
    whole.release();
  }
}

const registry = capi.capi_publish(getBuffer, releaseBuffer, wrapMemory, { views: new Map(), nextToken: 1 });
