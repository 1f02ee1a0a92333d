// status.h — what a kernel returns instead of throwing: an API.md §7 error
// class, an ERR_MEMVIEW_* code and CPython's wording.
//
// Pure C++ (no Node-API): the kernels (format, copy, compare, bytes) include
// only this, so that they build on their own — fuzz/ links them without Node.
// errors.h turns a Status into a JS error.
#pragma once

#include <string>

namespace memview {

// API.md §7 error classes. TypeError is JS's own.
enum class ErrorClass {
  kType,
  kValue,
  kIndex,
  kOverflow,
  kBuffer,
  kNotImplemented,
  kEOF,
  kMemory,
  kStruct
};

// API.md §7 codes: ERR_MEMVIEW_<name>.
enum class ErrorCode {
  kReleased,
  kDetached,
  kReadonly,
  kExported,
  kFormat,
  kType,
  kValue,
  kIndex,
  kShape,
  kContiguity,
  kNotImplemented,
  kNoMemory,
  kEof,
  kStruct,
  kCapi
};

struct Status {
  bool ok = true;
  ErrorClass cls = ErrorClass::kValue;
  ErrorCode code = ErrorCode::kValue;
  std::string message;

  static Status Ok() { return Status(); }
  static Status Error(ErrorClass cls, ErrorCode code, std::string message) {
    return Status{false, cls, code, std::move(message)};
  }
};

}  // namespace memview
