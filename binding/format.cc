#include "format.h"

#include <algorithm>

namespace memview {

namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

Status FormatError(FormatMode mode, const std::string &message, size_t position) {
  std::string text = message + " (at position " + std::to_string(position) + ")";
  if (mode == FormatMode::kStruct)
    return Status::Error(ErrorClass::kStruct, ErrorCode::kFormat, text);
  return Status::Error(ErrorClass::kValue, ErrorCode::kFormat, text);
}

Status CompileArrayTypecode(std::string_view text, Format *out) {
  const CodeInfo *info = text.size() == 1 ? FindCode(text[0]) : nullptr;
  if (info == nullptr || !(info->use & kInArray)) {
    return Status::Error(ErrorClass::kValue, ErrorCode::kFormat,
                         "bad typecode (must be b, B, u, w, h, H, i, I, l, L, q, Q, f or d)");
  }
  out->text = std::string(text);
  out->byte_order = '@';
  out->native_sizes = true;
  out->itemsize = info->native_size;
  out->alignment = info->native_align;
  out->nvalues = 1;
  out->runs = {FieldRun{info->code, info->kind, kHostLittleEndian, 0, info->native_size, 1}};
  return Status::Ok();
}

}  // namespace

Status CompileFormat(std::string_view text, FormatMode mode, Format *out) {
  if (mode == FormatMode::kArray) return CompileArrayTypecode(text, out);

  Format format;
  format.text = std::string(text);
  size_t pos = 0;
  format.byte_order = '@';
  if (!text.empty() &&
      (text[0] == '@' || text[0] == '=' || text[0] == '<' || text[0] == '>' || text[0] == '!')) {
    format.byte_order = text[0];
    pos = 1;
  }
  format.native_sizes = format.byte_order == '@';
  const bool little = format.byte_order == '<' ||
                      ((format.byte_order == '@' || format.byte_order == '=') && kHostLittleEndian);

  // 'w' is what u/w Arrays export: a view format on its own, not a struct code.
  if (mode == FormatMode::kView && format.native_sizes && text.substr(pos) == "w") {
    const CodeInfo *info = FindCode('w');
    format.itemsize = info->native_size;
    format.alignment = info->native_align;
    format.nvalues = 1;
    format.runs = {FieldRun{'w', info->kind, kHostLittleEndian, 0, info->native_size, 1}};
    *out = std::move(format);
    return Status::Ok();
  }

  int64_t size = 0;
  int64_t alignment = 1;
  int64_t nvalues = 0;
  while (pos < text.size()) {
    char c = text[pos];
    if (IsSpace(c)) {
      ++pos;
      continue;
    }
    const size_t item_pos = pos;
    int64_t count = 1;
    if (c >= '0' && c <= '9') {
      count = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (__builtin_mul_overflow(count, int64_t{10}, &count) ||
            __builtin_add_overflow(count, int64_t{text[pos] - '0'}, &count) ||
            count > kMaxSafeSize) {
          return FormatError(mode, "total struct size too long", item_pos);
        }
        ++pos;
      }
      if (pos == text.size()) {
        return FormatError(mode, "repeat count given without format specifier", item_pos);
      }
      c = text[pos];
    }
    const CodeInfo *info = FindCode(c);
    if (info == nullptr || !(info->use & kInStruct) ||
        ((info->use & kNativeOnly) && !format.native_sizes)) {
      return FormatError(mode, "bad char in struct format", pos);
    }
    ++pos;
    const int64_t item_size = format.native_sizes ? info->native_size : info->standard_size;
    if (format.native_sizes && info->kind != ValueKind::kBytes &&
        info->kind != ValueKind::kPascal && info->kind != ValueKind::kPad) {
      const int64_t align = info->native_align;
      const int64_t misalign = size % align;
      if (misalign != 0 && __builtin_add_overflow(size, align - misalign, &size)) {
        return FormatError(mode, "total struct size too long", item_pos);
      }
      alignment = std::max(alignment, align);
    }
    int64_t run_bytes = 0;
    if (__builtin_mul_overflow(count, item_size, &run_bytes)) {
      return FormatError(mode, "total struct size too long", item_pos);
    }
    if (info->kind == ValueKind::kBytes || info->kind == ValueKind::kPascal) {
      format.runs.push_back(FieldRun{c, info->kind, little, size, count, 1});
      nvalues += 1;
    } else if (info->kind != ValueKind::kPad && count > 0) {
      format.runs.push_back(FieldRun{c, info->kind, little, size, item_size, count});
      nvalues += count;
    }
    if (__builtin_add_overflow(size, run_bytes, &size) || size > kMaxSafeSize) {
      return FormatError(mode, "total struct size too long", item_pos);
    }
  }
  format.itemsize = size;
  format.alignment = alignment;
  format.nvalues = nvalues;

  if (mode == FormatMode::kView) {
    if (nvalues == 0) {
      return Status::Error(ErrorClass::kValue, ErrorCode::kFormat,
                           "memoryview: format '" + format.text + "' has no values");
    }
    if (size == 0) {
      return Status::Error(ErrorClass::kValue, ErrorCode::kFormat,
                           "memoryview: format '" + format.text + "' has item size 0");
    }
  }
  *out = std::move(format);
  return Status::Ok();
}

bool Format::IsByteFormat() const {
  if (nvalues != 1 || itemsize != 1) return false;
  const char c = runs[0].code;
  return c == 'B' || c == 'b' || c == 'c';
}

bool Format::IsNativeSingle() const {
  return nvalues == 1 && runs[0].offset == 0 && runs[0].size == itemsize &&
         runs[0].little_endian == kHostLittleEndian;
}

bool SameItems(const Format &a, const Format &b) {
  if (a.itemsize != b.itemsize || a.nvalues != b.nvalues || a.runs.size() != b.runs.size())
    return false;
  for (size_t i = 0; i < a.runs.size(); ++i) {
    const FieldRun &x = a.runs[i];
    const FieldRun &y = b.runs[i];
    if (x.code != y.code || x.offset != y.offset || x.size != y.size || x.count != y.count)
      return false;
    // Byte order matters only for multi-byte numbers.
    const bool ordered = x.size > 1 && x.kind != ValueKind::kBytes && x.kind != ValueKind::kPascal;
    if (ordered && x.little_endian != y.little_endian) return false;
  }
  return true;
}

}  // namespace memview
