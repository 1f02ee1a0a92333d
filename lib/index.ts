// memview — Python's array, memoryview and struct for Node.js.
// The public surface is ../shared/API.md; this file only gathers it.
import './dispose';

export { BufferError, EOFError, IndexError, MemoryError, NotImplementedError, OverflowError, StructError, ValueError } from './errors';
export { MemoryView, memoryview, bufferProtocol, BUF } from './memoryview';
export type { BufferSource, Item, ItemOf, SharedDescriptor, NestedList } from './memoryview';
export { Slice, slice } from './slice';
export { struct } from './struct';
export { Array, PyArray, array } from './array';
export type { ArrayItem, ArraySource, ArrayValue, Typecode } from './array';
export { mmap, flush, type MmapMode, type MmapOptions } from './mmap';
export { include } from './capi';
