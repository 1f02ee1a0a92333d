// format_fuzz.cc — the format compiler (binding/format.cc), all three modes.
//
// Input: the bytes of a format string, as format_compile would get them from
// JS (any bytes but NUL, which the glue refuses first). Each input is compiled
// as a struct format, a view format and an Array typecode, and every compiled
// Format is checked against the invariants the rest of the addon relies on:
// runs inside the item, sizes exact in a JS number, the value count, the mode's
// extra rules, errors of the mode's class with ERR_MEMVIEW_FORMAT.
#include <cstring>
#include <string_view>

#include "format.h"
#include "fuzz_util.h"

using memview::CompileFormat;
using memview::ErrorClass;
using memview::ErrorCode;
using memview::FieldRun;
using memview::Format;
using memview::FormatMode;
using memview::kMaxSafeSize;
using memview::Status;
using memview::ValueKind;

namespace {

void CheckFormat(const Format &f, FormatMode mode, std::string_view text) {
  FUZZ_CHECK(f.text == text);
  FUZZ_CHECK(f.itemsize >= 0 && f.itemsize <= kMaxSafeSize);
  FUZZ_CHECK(f.alignment >= 1 && f.alignment <= 8);
  FUZZ_CHECK(f.native_sizes == (f.byte_order == '@'));
  int64_t nvalues = 0;
  int64_t previous_end = 0;
  for (const FieldRun &run : f.runs) {
    const memview::CodeInfo *info = memview::FindCode(run.code);
    FUZZ_CHECK(info != nullptr && info->kind == run.kind && run.kind != ValueKind::kPad);
    FUZZ_CHECK(run.offset >= previous_end && run.size >= 0 && run.count >= 1);
    int64_t bytes = 0;
    FUZZ_CHECK(!__builtin_mul_overflow(run.size, run.count, &bytes));
    FUZZ_CHECK(run.offset + bytes <= f.itemsize);
    if (run.kind == ValueKind::kBytes || run.kind == ValueKind::kPascal) {
      FUZZ_CHECK(run.count == 1);
    } else {
      FUZZ_CHECK(run.size == (f.native_sizes ? info->native_size : info->standard_size));
      FUZZ_CHECK(run.size == 1 || run.size == 2 || run.size == 4 || run.size == 8);
      // Native sizes align every number to its own alignment.
      if (f.native_sizes) FUZZ_CHECK(run.offset % info->native_align == 0);
    }
    nvalues += run.count;
    previous_end = run.offset + bytes;
  }
  FUZZ_CHECK(nvalues == f.nvalues);
  if (f.nvalues == 1) FUZZ_CHECK(f.SingleCode() == f.runs[0].code);
  if (f.IsByteFormat()) FUZZ_CHECK(f.itemsize == 1 && f.nvalues == 1);
  FUZZ_CHECK(memview::SameItems(f, f));
  if (mode == FormatMode::kView) FUZZ_CHECK(f.nvalues >= 1 && f.itemsize >= 1);
  if (mode == FormatMode::kArray) {
    FUZZ_CHECK(text.size() == 1 && f.nvalues == 1 && f.runs.size() == 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // The glue refuses embedded NULs before compiling.
  if (std::memchr(data, 0, size) != nullptr) return 0;
  const std::string_view text(reinterpret_cast<const char *>(data), size);
  Format formats[3];
  bool compiled[3] = {};
  for (int m = 0; m < 3; ++m) {
    const auto mode = static_cast<FormatMode>(m);
    Format format;
    const Status status = CompileFormat(text, mode, &format);
    if (status.ok) {
      CheckFormat(format, mode, text);
      formats[m] = std::move(format);
      compiled[m] = true;
    } else {
      FUZZ_CHECK(status.code == ErrorCode::kFormat && !status.message.empty());
      FUZZ_CHECK(status.cls ==
                 (mode == FormatMode::kStruct ? ErrorClass::kStruct : ErrorClass::kValue));
    }
  }
  // A view format is a struct format with values (or the Array export 'w'),
  // compiled to the same items.
  if (compiled[1] && text != "w" && text != "@w") {
    FUZZ_CHECK(compiled[0] && memview::SameItems(formats[0], formats[1]));
    FUZZ_CHECK(formats[0].itemsize == formats[1].itemsize);
  }
  if (compiled[0] && formats[0].nvalues >= 1 && formats[0].itemsize >= 1) FUZZ_CHECK(compiled[1]);
  return 0;
}
