// view_js.cc — N-API glue for the bulk view kernels.
//
// Native signatures (numbers are JS numbers, exact integers; shapes and
// strides are arrays of them; strides are bytes; `mem` is a DataView over
// exactly the view's byte extent and `origin` the byte offset of item
// (0, …, 0) inside it; `fmt` a handle from format_compile):
//
//   view_tobytes(mem, origin, shape, strides, itemsize, order) → Buffer
//   view_assign(dstMem, dstOrigin, dstStrides, srcMem, srcOrigin, srcStrides,
//               shape, itemsize) → undefined
//   view_equals(memA, originA, shapeA, stridesA, fmtA,
//               memB, originB, shapeB, stridesB, fmtB) → boolean
//   view_hex(mem, origin, shape, strides, itemsize, sep?, bytesPerSep) → string
//   bytes_swap(mem, offset, nbytes, itemsize) → undefined
//   view_find(mem, origin, length, stride, itemsize, pattern, start, stop,
//             firstOnly) → number
//   view_find_float(mem, origin, length, stride, fmt, value, start, stop,
//                   firstOnly) → number
//   view_convert(dstMem, dstOffset, dstFmt, srcMem, srcOrigin, shape,
//                srcStrides, srcFmt, overflowClass) → undefined
//
// Each function reads every plain argument first and its DataViews last, so
// that nothing a getter could do (detach, shrink) happens between taking a
// pointer and using it; then CheckLayout proves every byte it will touch lies
// in the DataView's current bytes, or throws ValueError ERR_MEMVIEW_DETACHED.
#include "view_js.h"

#include <dlfcn.h>
#include <sys/mman.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <new>
#include <string>

#include "bytes.h"
#include "compare.h"
#include "copy.h"
#include "format_js.h"

namespace memview {

namespace {

// V8's String::kMaxLength on 64-bit hosts.
constexpr int64_t kMaxStringLength = 0x1fffffe8;

[[noreturn]] void ThrowType(Napi::Env env, const std::string &message) {
  Throw(env, ErrorClass::kType, ErrorCode::kType, message);
}

void Check(Napi::Env env, const Status &status) {
  if (!status.ok) ThrowStatus(env, status);
}

[[noreturn]] void ThrowNoMemory(Napi::Env env, const std::string &message) {
  Throw(env, ErrorClass::kMemory, ErrorCode::kNoMemory, message);
}

// An exact integer: a JS number with no fraction and |x| < 2^53.
int64_t ArgInteger(const Napi::CallbackInfo &info, size_t i, const char *name) {
  Napi::Value value = info[i];
  const double d = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : NAN;
  if (!(std::fabs(d) <= static_cast<double>(kMaxSafeSize)) || d != std::trunc(d)) {
    ThrowType(info.Env(), std::string("memview: ") + name + " must be an integer");
  }
  return static_cast<int64_t>(d);
}

bool ArgBoolean(const Napi::CallbackInfo &info, size_t i, const char *name) {
  if (!info[i].IsBoolean())
    ThrowType(info.Env(), std::string("memview: ") + name + " must be a boolean");
  return info[i].As<Napi::Boolean>().Value();
}

// A shape or strides array: at most kMaxDim exact integers. Returns its length.
int ArgDims(const Napi::CallbackInfo &info, size_t i, const char *name, int64_t *out) {
  Napi::Env env = info.Env();
  if (!info[i].IsArray()) ThrowType(env, std::string("memview: ") + name + " must be an array");
  Napi::Array array = info[i].As<Napi::Array>();
  const uint32_t length = array.Length();
  if (length > static_cast<uint32_t>(kMaxDim)) {
    Throw(env, ErrorClass::kValue, ErrorCode::kShape,
          "memoryview: number of dimensions must not exceed 64");
  }
  for (uint32_t k = 0; k < length; ++k) {
    Napi::Value value = array.Get(k);
    const double d = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : NAN;
    if (!(std::fabs(d) <= static_cast<double>(kMaxSafeSize)) || d != std::trunc(d)) {
      ThrowType(env, std::string("memview: ") + name + " must be an array of integers");
    }
    out[k] = static_cast<int64_t>(d);
  }
  return static_cast<int>(length);
}

[[noreturn]] void ThrowStructure(Napi::Env env) {
  Throw(env, ErrorClass::kValue, ErrorCode::kShape,
        "memoryview: shape and strides have different lengths");
}

// origin, shape, strides of one view (itemsize set by the caller).
Layout ArgLayout(const Napi::CallbackInfo &info, size_t origin, size_t shape, size_t strides) {
  Layout layout;
  layout.origin = ArgInteger(info, origin, "origin");
  layout.ndim = ArgDims(info, shape, "shape", layout.shape);
  if (ArgDims(info, strides, "strides", layout.strides) != layout.ndim) ThrowStructure(info.Env());
  return layout;
}

// The current bytes of a DataView. N-API reports length 0 for a detached
// buffer; a fixed-length DataView over a resizable ArrayBuffer that shrank is
// also clamped to the buffer's current length here, so as not to depend on
// the engine reporting that case.
Span ArgSpan(const Napi::CallbackInfo &info, size_t i, const char *name) {
  napi_env env = info.Env();
  napi_value value = info[i];
  bool is_dataview = false;
  if (napi_is_dataview(env, value, &is_dataview) != napi_ok || !is_dataview) {
    ThrowType(info.Env(), std::string("memview: ") + name + " must be a DataView");
  }
  size_t length = 0;
  void *data = nullptr;
  napi_value buffer = nullptr;
  size_t byte_offset = 0;
  if (napi_get_dataview_info(env, value, &length, &data, &buffer, &byte_offset) != napi_ok)
    return Span{};
  void *buffer_data = nullptr;
  size_t buffer_length = 0;
  // Fails (harmlessly) for a SharedArrayBuffer, which can only grow.
  if (napi_get_arraybuffer_info(env, buffer, &buffer_data, &buffer_length) == napi_ok) {
    length = byte_offset > buffer_length ? 0 : std::min(length, buffer_length - byte_offset);
  }
  if (data == nullptr) length = 0;
  return Span{static_cast<uint8_t *>(data), length};
}

// The address of item (0, …, 0) of a layout CheckLayout accepted, plus `extra`
// bytes inside the item. A layout without items may have any origin (it
// touches no byte, and the span may be empty with a null data pointer): it
// gets the span's start, so that no out-of-range pointer is ever formed.
uint8_t *ItemAddress(const Span &span, const Layout &layout, int64_t extra = 0) {
  return IsEmpty(layout) ? span.data : span.data + layout.origin + extra;
}

// Turns an allocation failure inside N-API into a MemoryError.
[[noreturn]] void ThrowAllocationFailed(Napi::Env env, const std::string &message) {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending) {
    napi_value ignored;
    napi_get_and_clear_last_exception(env, &ignored);
  }
  ThrowNoMemory(env, message);
}

// ---- view_tobytes ------------------------------------------------------------

// A large result Buffer is fresh memory: each 4 KiB page faults on its first
// write, and on some VMs a fault costs tens of microseconds, more than the copy
// itself (bench: memoryview-bulk, toBytes of every other column). Asking for
// transparent huge pages on the untouched range turns 512 faults into one where
// the system allows it (THP "madvise" mode); elsewhere the call does nothing.
void AdviseHugePages(void *data, size_t nbytes) {
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  if (nbytes < 2 * kHuge) return;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(data) + nbytes) & ~(kHuge - 1);
  if (end > begin) madvise(reinterpret_cast<void *>(begin), end - begin, MADV_HUGEPAGE);
}

Napi::Value ViewToBytes(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Layout layout = ArgLayout(info, 1, 2, 3);
  layout.itemsize = ArgInteger(info, 4, "itemsize");
  char order = 'C';
  if (!info[5].IsUndefined()) {
    if (!info[5].IsString()) ThrowType(env, "memview: order must be a string");
    const std::string text = info[5].As<Napi::String>().Utf8Value();
    if (text != "C" && text != "F" && text != "A")
      Throw(env, ErrorClass::kValue, ErrorCode::kValue, "order must be 'C', 'F' or 'A'");
    order = text[0];
  }
  const Span span = ArgSpan(info, 0, "mem");
  Check(env, CheckLayout(layout, span.length, nullptr));
  int64_t nbytes = 0;
  Check(env, ByteSize(layout, &nbytes));
  if (order == 'A') order = IsFContiguous(layout) && !IsCContiguous(layout) ? 'F' : 'C';

  void *data = nullptr;
  napi_value buffer = nullptr;
  if (napi_create_buffer(env, static_cast<size_t>(nbytes), &data, &buffer) != napi_ok) {
    ThrowAllocationFailed(env, "memview: cannot allocate a Buffer of " + std::to_string(nbytes) +
                                   " bytes (larger than buffer.constants.MAX_LENGTH or memory)");
  }
  AdviseHugePages(data, static_cast<size_t>(nbytes));
  Gather(layout, span.data, order, static_cast<uint8_t *>(data));
  return Napi::Value(env, buffer);
}

// ---- view_assign ---------------------------------------------------------------

Napi::Value ViewAssign(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Layout dst;
  Layout src;
  dst.origin = ArgInteger(info, 1, "dstOrigin");
  const int dst_ndim = ArgDims(info, 2, "dstStrides", dst.strides);
  src.origin = ArgInteger(info, 4, "srcOrigin");
  const int src_ndim = ArgDims(info, 5, "srcStrides", src.strides);
  dst.ndim = ArgDims(info, 6, "shape", dst.shape);
  if (dst_ndim != dst.ndim || src_ndim != dst.ndim) {
    Throw(env, ErrorClass::kValue, ErrorCode::kShape,
          "memoryview assignment: lvalue and rvalue have different structures");
  }
  src.ndim = dst.ndim;
  std::copy(dst.shape, dst.shape + dst.ndim, src.shape);
  dst.itemsize = src.itemsize = ArgInteger(info, 7, "itemsize");
  const Span dst_span = ArgSpan(info, 0, "dstMem");
  const Span src_span = ArgSpan(info, 3, "srcMem");
  Check(env, CheckLayout(dst, dst_span.length, nullptr));
  Check(env, CheckLayout(src, src_span.length, nullptr));
  Check(env, Assign(dst, dst_span.data, src, src_span.data));
  return env.Undefined();
}

// ---- view_equals ---------------------------------------------------------------

Napi::Value ViewEquals(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Layout a = ArgLayout(info, 1, 2, 3);
  const Format &a_format = UnwrapFormat(info[4]);
  Layout b = ArgLayout(info, 6, 7, 8);
  const Format &b_format = UnwrapFormat(info[9]);
  a.itemsize = a_format.itemsize;
  b.itemsize = b_format.itemsize;
  const Span a_span = ArgSpan(info, 0, "memA");
  const Span b_span = ArgSpan(info, 5, "memB");
  Check(env, CheckLayout(a, a_span.length, nullptr));
  Check(env, CheckLayout(b, b_span.length, nullptr));
  return Napi::Boolean::New(env, ViewsEqual(a, a_span.data, a_format, b, b_span.data, b_format));
}

// node_api_create_external_string_latin1 (Node-API 10, and Node ≥ 20.4 as an
// experiment): memview pins Node-API 8, so it is looked up at run time, and
// napi_create_string_latin1 serves where it is missing.
using CreateExternalLatin1 = napi_status (*)(napi_env, char *, size_t, napi_finalize, void *,
                                             napi_value *, bool *);

CreateExternalLatin1 FindCreateExternalLatin1() {
  static const auto create = reinterpret_cast<CreateExternalLatin1>(
      dlsym(RTLD_DEFAULT, "node_api_create_external_string_latin1"));
  return create;
}

// Strings from 1 MiB up are handed to V8 as external strings, as Node's own
// Buffer#toString does: copying them into V8's heap costs more than encoding
// (bench: 4 MiB of hex, 60 ms copied vs 2 ms external).
constexpr size_t kExternalStringMin = size_t{1} << 20;

napi_value NewLatin1String(Napi::Env env, std::unique_ptr<char[]> text, size_t length) {
  napi_value result = nullptr;
  const CreateExternalLatin1 create_external = FindCreateExternalLatin1();
  if (length >= kExternalStringMin && create_external != nullptr) {
    bool copied = false;
    auto release = [](napi_env, void *data, void *) { delete[] static_cast<char *>(data); };
    // On success the finalizer owns the text (Node calls it at once if it copied).
    if (create_external(env, text.get(), length, release, nullptr, &result, &copied) == napi_ok) {
      text.release();
      return result;
    }
  }
  if (napi_create_string_latin1(env, text.get(), length, &result) != napi_ok) {
    ThrowAllocationFailed(env, "memview: cannot allocate the hex() string");
  }
  return result;
}

// ---- view_hex ----------------------------------------------------------------

// CPython's rules for bytes.hex's sep: one character (code point), ASCII.
char ArgSeparator(const Napi::CallbackInfo &info, size_t i, bool *with_sep) {
  Napi::Env env = info.Env();
  *with_sep = false;
  if (info[i].IsUndefined() || info[i].IsNull()) return 0;
  if (!info[i].IsString()) ThrowType(env, "sep must be str or bytes.");
  const std::u16string text = info[i].As<Napi::String>().Utf16Value();
  const bool pair = text.size() == 2 && text[0] >= 0xd800 && text[0] < 0xdc00 &&
                    text[1] >= 0xdc00 && text[1] < 0xe000;
  if (text.size() != 1 && !pair)
    Throw(env, ErrorClass::kValue, ErrorCode::kValue, "sep must be length 1.");
  if (pair || text[0] > 127)
    Throw(env, ErrorClass::kValue, ErrorCode::kValue, "sep must be ASCII.");
  *with_sep = true;
  return static_cast<char>(text[0]);
}

Napi::Value ViewHex(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Layout layout = ArgLayout(info, 1, 2, 3);
  layout.itemsize = ArgInteger(info, 4, "itemsize");
  bool with_sep = false;
  const char sep = ArgSeparator(info, 5, &with_sep);
  const int64_t bytes_per_sep = info[6].IsUndefined() ? 1 : ArgInteger(info, 6, "bytesPerSep");
  const Span span = ArgSpan(info, 0, "mem");
  Check(env, CheckLayout(layout, span.length, nullptr));
  int64_t nbytes = 0;
  int64_t length = 0;
  if (!ByteSize(layout, &nbytes).ok || !HexLength(nbytes, with_sep, bytes_per_sep, &length) ||
      length > kMaxStringLength) {
    ThrowNoMemory(env, "memview: hex() result is longer than the longest string V8 allows");
  }
  // The C-ordered bytes: the memory itself when C-contiguous, else a copy.
  const uint8_t *bytes = ItemAddress(span, layout);
  std::unique_ptr<uint8_t[]> gathered;
  if (!IsCContiguous(layout)) {
    gathered.reset(new (std::nothrow) uint8_t[static_cast<size_t>(nbytes)]);
    if (!gathered) ThrowNoMemory(env, "memview: out of memory");
    Gather(layout, span.data, 'C', gathered.get());
    bytes = gathered.get();
  }
  std::unique_ptr<char[]> text(new (std::nothrow) char[static_cast<size_t>(length) + 1]);
  if (!text) ThrowNoMemory(env, "memview: out of memory");
  HexEncode(bytes, nbytes, with_sep, sep, bytes_per_sep, text.get());
  return Napi::Value(env, NewLatin1String(env, std::move(text), static_cast<size_t>(length)));
}

// ---- bytes_swap --------------------------------------------------------------

Napi::Value BytesSwap(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  const int64_t offset = ArgInteger(info, 1, "offset");
  const int64_t nbytes = ArgInteger(info, 2, "nbytes");
  const int64_t itemsize = ArgInteger(info, 3, "itemsize");
  if (itemsize != 1 && itemsize != 2 && itemsize != 4 && itemsize != 8) {
    Throw(env, ErrorClass::kValue, ErrorCode::kValue,
          "byteswap: item size must be 1, 2, 4 or 8, not " + std::to_string(itemsize));
  }
  if (nbytes % itemsize != 0) {
    Throw(env, ErrorClass::kValue, ErrorCode::kShape,
          "byteswap: byte count is not a multiple of the item size");
  }
  const Span span = ArgSpan(info, 0, "mem");
  const Layout layout = ContiguousRun(offset, nbytes / itemsize, itemsize);
  if (nbytes < 0) Throw(env, ErrorClass::kValue, ErrorCode::kDetached, kDetachedMessage);
  Check(env, CheckLayout(layout, span.length, nullptr));
  if (nbytes > 0)
    ByteSwap(span.data + offset, static_cast<size_t>(nbytes), static_cast<int>(itemsize));
  return env.Undefined();
}

// ---- view_find, view_find_float --------------------------------------------------

// A 1-D view of `length` items, `stride` bytes apart.
Layout ArgLine(const Napi::CallbackInfo &info, size_t origin, size_t length, size_t stride) {
  Layout layout;
  layout.ndim = 1;
  layout.origin = ArgInteger(info, origin, "origin");
  layout.shape[0] = ArgInteger(info, length, "length");
  layout.strides[0] = ArgInteger(info, stride, "stride");
  return layout;
}

// [start, stop) clamped into [0, length].
void ArgRange(const Napi::CallbackInfo &info, size_t i, int64_t length, int64_t *start,
              int64_t *stop) {
  *start = std::clamp<int64_t>(ArgInteger(info, i, "start"), 0, std::max<int64_t>(length, 0));
  *stop = std::clamp<int64_t>(ArgInteger(info, i + 1, "stop"), 0, std::max<int64_t>(length, 0));
}

Napi::Value ViewFind(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Layout layout = ArgLine(info, 1, 2, 3);
  layout.itemsize = ArgInteger(info, 4, "itemsize");
  if (layout.itemsize < 1)
    Throw(env, ErrorClass::kValue, ErrorCode::kShape, "memoryview: itemsize must be positive");
  // The pattern is copied before any memory is fetched: it may alias the view.
  napi_typedarray_type type = napi_int8_array;
  size_t count = 0;
  void *pattern_data = nullptr;
  if (!info[5].IsTypedArray() ||
      napi_get_typedarray_info(env, info[5], &type, &count, &pattern_data, nullptr, nullptr) !=
          napi_ok ||
      type != napi_uint8_array || static_cast<int64_t>(count) != layout.itemsize) {
    ThrowType(env, "memview: pattern must be a Uint8Array of itemsize bytes");
  }
  const auto *pattern_bytes = static_cast<const uint8_t *>(pattern_data);
  const std::string pattern(pattern_bytes, pattern_bytes + count);
  int64_t start = 0;
  int64_t stop = 0;
  ArgRange(info, 6, layout.shape[0], &start, &stop);
  const bool first_only = ArgBoolean(info, 8, "firstOnly");
  const Span span = ArgSpan(info, 0, "mem");
  Check(env, CheckLayout(layout, span.length, nullptr));
  const int64_t result = FindItems(ItemAddress(span, layout), layout.strides[0], layout.itemsize,
                                   reinterpret_cast<const uint8_t *>(pattern.data()), nullptr,
                                   start, stop, first_only);
  return Napi::Number::New(env, static_cast<double>(result));
}

Napi::Value ViewFindFloat(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Layout layout = ArgLine(info, 1, 2, 3);
  const Format &format = UnwrapFormat(info[4]);
  if (format.nvalues != 1 || format.runs[0].kind != ValueKind::kFloat)
    ThrowType(env, "memview: view_find_float needs a single-value e, f or d format");
  layout.itemsize = format.itemsize;
  if (!info[5].IsNumber()) ThrowType(env, "memview: value must be a number");
  const double value = info[5].As<Napi::Number>().DoubleValue();
  int64_t start = 0;
  int64_t stop = 0;
  ArgRange(info, 6, layout.shape[0], &start, &stop);
  const bool first_only = ArgBoolean(info, 8, "firstOnly");
  const Span span = ArgSpan(info, 0, "mem");
  Check(env, CheckLayout(layout, span.length, nullptr));

  const ValueSlot slot = SlotCursor(format).Next();
  uint8_t pattern[8];
  uint8_t mask[8];
  int64_t result = first_only ? -1 : 0;
  if (FloatSearchPattern(value, slot, pattern, mask)) {
    result = FindItems(ItemAddress(span, layout, slot.offset), layout.strides[0], slot.size,
                       pattern, mask, start, stop, first_only);
  }
  return Napi::Number::New(env, static_cast<double>(result));
}

// ---- view_convert ---------------------------------------------------------------

Napi::Value ViewConvert(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  const int64_t dst_offset = ArgInteger(info, 1, "dstOffset");
  const Format &dst_format = UnwrapFormat(info[2]);
  Layout src = ArgLayout(info, 4, 5, 6);
  const Format &src_format = UnwrapFormat(info[7]);
  src.itemsize = src_format.itemsize;
  ErrorClass range_class = ErrorClass::kValue;
  const std::string overflow_class =
      info[8].IsString() ? info[8].As<Napi::String>().Utf8Value() : "";
  if (overflow_class == "overflow") {
    range_class = ErrorClass::kOverflow;
  } else if (overflow_class != "value") {
    ThrowType(env, "memview: overflowClass must be 'value' or 'overflow'");
  }
  const Span dst_span = ArgSpan(info, 0, "dstMem");
  const Span src_span = ArgSpan(info, 3, "srcMem");
  Check(env, CheckLayout(src, src_span.length, nullptr));
  // The destination: count contiguous items of dst_format at dst_offset.
  int64_t count = 0;
  if (!ItemCount(src, &count)) ThrowNoMemory(env, "memview: out of memory");
  const Layout dst = ContiguousRun(dst_offset, count, dst_format.itemsize);
  Check(env, CheckLayout(dst, dst_span.length, nullptr));
  Check(env, ConvertItems(ItemAddress(dst_span, dst), dst_format, src, src_span.data, src_format,
                          range_class));
  return env.Undefined();
}

}  // namespace

void InitView(Napi::Env env, Napi::Object exports) {
  exports.Set("view_tobytes", Napi::Function::New(env, ViewToBytes, "view_tobytes"));
  exports.Set("view_assign", Napi::Function::New(env, ViewAssign, "view_assign"));
  exports.Set("view_equals", Napi::Function::New(env, ViewEquals, "view_equals"));
  exports.Set("view_hex", Napi::Function::New(env, ViewHex, "view_hex"));
  exports.Set("bytes_swap", Napi::Function::New(env, BytesSwap, "bytes_swap"));
  exports.Set("view_find", Napi::Function::New(env, ViewFind, "view_find"));
  exports.Set("view_find_float", Napi::Function::New(env, ViewFindFloat, "view_find_float"));
  exports.Set("view_convert", Napi::Function::New(env, ViewConvert, "view_convert"));
}

}  // namespace memview
