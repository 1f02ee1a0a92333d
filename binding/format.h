// format.h — the format language, compiled once.
//
// A format string in Python struct syntax (API.md §1) is compiled into a
// Format: item size, alignment, byte order and a flat list of field runs.
// Everything downstream (views, Array, struct, the C API, lib/'s accessors)
// works from a Format and never parses the string again.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "format_table.h"
#include "status.h"

namespace memview {

// Which grammar applies, and which error class a bad format raises.
enum class FormatMode {
  kStruct,  // struct module: any struct format; StructError
  kView,    // view formats: struct formats with ≥1 value and itemsize > 0, or 'w'; ValueError
  kArray,   // Array typecodes: one code, no prefix; ValueError
};

// `count` consecutive values of one code, each `size` bytes, the first at
// `offset` from the start of the item. For 's' and 'p' a run is one value of
// `size` bytes (count is 1). Pads ('x') produce no run.
struct FieldRun {
  char code;
  ValueKind kind;
  bool little_endian;
  int64_t offset;
  int64_t size;
  int64_t count;
};

struct Format {
  std::string text;   // as given
  char byte_order;    // '@', '=', '<', '>', '!' ('@' when no prefix)
  bool native_sizes;  // '@': native sizes and alignment
  int64_t itemsize;   // struct.calcsize
  int64_t alignment;  // largest field alignment (1 for standard sizes)
  int64_t nvalues;    // values per item
  std::vector<FieldRun> runs;

  // The code of a format with exactly one value, else 0.
  char SingleCode() const { return nvalues == 1 ? runs[0].code : 0; }
  // One value of item size 1 and code B, b or c (any prefix): a byte format.
  bool IsByteFormat() const;
  // The single-value, native-order, aligned code of a native typed array, if any.
  bool IsNativeSingle() const;
};

// Largest item size and total byte count memview accepts: exact in a JS number.
inline constexpr int64_t kMaxSafeSize = (int64_t{1} << 53) - 1;

Status CompileFormat(std::string_view text, FormatMode mode, Format *out);

// True when two formats describe the same items (API.md §3 assign): '@' and '='
// resolved, byte order compared only where it matters.
bool SameItems(const Format &a, const Format &b);

}  // namespace memview
