// errors.ts — API.md §7's error classes, and the one place lib/ builds errors.
//
// The classes are handed to the native addon once at load (errors_register),
// so C++ throws the very same classes with the same codes.
import { native } from './binding';

export type ErrorCode =
  | 'ERR_MEMVIEW_RELEASED'
  | 'ERR_MEMVIEW_DETACHED'
  | 'ERR_MEMVIEW_READONLY'
  | 'ERR_MEMVIEW_EXPORTED'
  | 'ERR_MEMVIEW_FORMAT'
  | 'ERR_MEMVIEW_TYPE'
  | 'ERR_MEMVIEW_VALUE'
  | 'ERR_MEMVIEW_INDEX'
  | 'ERR_MEMVIEW_SHAPE'
  | 'ERR_MEMVIEW_CONTIGUITY'
  | 'ERR_MEMVIEW_NOT_IMPLEMENTED'
  | 'ERR_MEMVIEW_NO_MEMORY'
  | 'ERR_MEMVIEW_EOF'
  | 'ERR_MEMVIEW_STRUCT'
  | 'ERR_MEMVIEW_CAPI';

export class BufferError extends Error {
  code: string;
  constructor(message: string, code: ErrorCode = 'ERR_MEMVIEW_EXPORTED') {
    super(message);
    this.code = code;
  }
}
export class NotImplementedError extends Error {
  code: string;
  constructor(message: string, code: ErrorCode = 'ERR_MEMVIEW_NOT_IMPLEMENTED') {
    super(message);
    this.code = code;
  }
}
export class EOFError extends Error {
  code: string;
  constructor(message: string, code: ErrorCode = 'ERR_MEMVIEW_EOF') {
    super(message);
    this.code = code;
  }
}
export class ValueError extends RangeError {
  code: string;
  constructor(message: string, code: ErrorCode = 'ERR_MEMVIEW_VALUE') {
    super(message);
    this.code = code;
  }
}
export class IndexError extends RangeError {
  code: string;
  constructor(message: string, code: ErrorCode = 'ERR_MEMVIEW_INDEX') {
    super(message);
    this.code = code;
  }
}
export class OverflowError extends RangeError {
  code: string;
  constructor(message: string, code: ErrorCode = 'ERR_MEMVIEW_VALUE') {
    super(message);
    this.code = code;
  }
}
export class MemoryError extends RangeError {
  code: string;
  constructor(message: string, code: ErrorCode = 'ERR_MEMVIEW_NO_MEMORY') {
    super(message);
    this.code = code;
  }
}
/** Python's struct.error. */
export class StructError extends Error {
  code: string;
  constructor(message: string, code: ErrorCode = 'ERR_MEMVIEW_STRUCT') {
    super(message);
    this.code = code;
  }
}

for (const cls of [BufferError, NotImplementedError, EOFError, ValueError, IndexError, OverflowError, MemoryError, StructError]) {
  Object.defineProperty(cls.prototype, 'name', { value: cls.name, writable: true, configurable: true });
}

/** JS's own TypeError, with a memview code. */
export function typeError(message: string, code: ErrorCode = 'ERR_MEMVIEW_TYPE'): TypeError {
  const error = new TypeError(message) as TypeError & { code: string };
  error.code = code;
  return error;
}

// C++ constructs these as `new Class(message)` and then sets `code`.
(native.errors_register as (classes: object) => void)({
  TypeError,
  ValueError,
  IndexError,
  OverflowError,
  BufferError,
  NotImplementedError,
  EOFError,
  MemoryError,
  StructError,
});
