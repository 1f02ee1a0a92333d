// kernels_fuzz.cc — view validation and the bulk kernels (binding/copy.cc,
// bytes.cc, compare.cc) over random descriptors on random buffers.
//
// Each input picks one kernel, one or two buffers of exactly the fuzzed size
// (heap, so that AddressSanitizer sees any byte past them) and random layouts
// (any ndim up to 64, origin, shape, strides, as JS could pass them to
// binding/view_js.cc). As the glue does, a kernel runs only after CheckLayout
// accepted every layout it touches; then its result is compared with a slow
// reference walk (ForEachItem), and a kernel that fails must not have written
// anything. Item counts are capped so that one input stays fast.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "bytes.h"
#include "compare.h"
#include "copy.h"
#include "format.h"
#include "fuzz_util.h"

using namespace memview;
using memview_fuzz::ForEachItem;
using memview_fuzz::ItemAddress;
using memview_fuzz::MakeLayout;
using memview_fuzz::MakeMemory;
using memview_fuzz::Memory;
using memview_fuzz::SmallCount;
using memview_fuzz::SmallOrAny;

namespace {

constexpr size_t kMaxSpan = 512;
constexpr int64_t kMaxItems = 1 << 12;
constexpr int64_t kMaxBytes = 1 << 16;

int64_t PickItemsize(FuzzedDataProvider &fdp) {
  switch (fdp.ConsumeIntegralInRange<int>(0, 3)) {
    case 0:
      return fdp.ConsumeIntegralInRange<int64_t>(1, 40);
    case 1:  // what view_js.cc's ArgInteger lets through
      return fdp.ConsumeIntegralInRange<int64_t>(-((int64_t{1} << 53) - 1), (int64_t{1} << 53) - 1);
    default:
      return fdp.PickValueInArray<int64_t>({1, 2, 4, 8, 3, 16});
  }
}

// View formats: the usual ones, and sometimes whatever the fuzzer spells.
Format PickViewFormat(FuzzedDataProvider &fdp, bool single_only) {
  static const char *const kFormats[] = {
      "B",  "b",  "c",    "?",  "h",  "H",  "i",  "I",   "l",    "L",   "q",   "Q",
      "n",  "N",  "P",    "e",  "f",  "d",  "<e", ">e",  "<f",   ">f",  "<d",  ">d",
      "<h", ">H", ">i",   "<q", ">Q", "!l", "=L", "w",   "3s",   "5p",  "1p",  "xB",
      "Bx", "2h", "<iHd", "@?", "hb", "4s", "xe", "c2x", "BbHh", "d?f", ">hQ", "<ec",
  };
  Format format;
  if (fdp.ConsumeIntegralInRange<int>(0, 7) == 0) {
    const std::string text = fdp.ConsumeRandomLengthString(12);
    if (text.find('\0') == std::string::npos &&
        CompileFormat(text, FormatMode::kView, &format).ok && format.itemsize <= 64 &&
        (!single_only || format.nvalues == 1)) {
      return format;
    }
  }
  for (;;) {
    const char *text = fdp.PickValueInArray(kFormats);
    CompileFormat(text, FormatMode::kView, &format);
    if (!single_only || format.nvalues == 1) return format;
  }
}

// The bytes a layout's items occupy each hold at most one item's byte: then
// the order in which a kernel writes them does not matter.
bool ItemsDisjoint(const Layout &layout, size_t span) {
  std::vector<uint8_t> seen(span, 0);
  bool disjoint = true;
  ForEachItem(layout, [&](int64_t offset) {
    for (int64_t k = 0; k < layout.itemsize; ++k) {
      uint8_t &mark = seen[static_cast<size_t>(offset + k)];
      if (mark) disjoint = false;
      mark = 1;
    }
  });
  return disjoint;
}

std::vector<uint8_t> ReferenceGather(const Layout &layout, const uint8_t *base) {
  std::vector<uint8_t> out;
  ForEachItem(layout, [&](int64_t offset) {
    out.insert(out.end(), base + offset, base + offset + layout.itemsize);
  });
  return out;
}

// Checks a layout as the glue does; true when a kernel may run on it.
bool Checked(const Layout &layout, size_t span) {
  Extent extent;
  const Status status = CheckLayout(layout, span, &extent);
  if (!status.ok) {
    FUZZ_CHECK(status.cls == ErrorClass::kValue);
    FUZZ_CHECK(status.code == ErrorCode::kDetached || status.code == ErrorCode::kShape);
    return false;
  }
  // Every item lies inside the extent, and a non-empty extent inside the span.
  if (!IsEmpty(layout)) {
    FUZZ_CHECK(extent.lo >= 0 && extent.lo < extent.hi && static_cast<uint64_t>(extent.hi) <= span);
    int64_t count = 0;
    if (SmallCount(layout, kMaxItems, &count)) {
      ForEachItem(layout, [&](int64_t offset) {
        FUZZ_CHECK(offset >= extent.lo && offset + layout.itemsize <= extent.hi);
      });
    }
  }
  return true;
}

void FuzzToBytes(FuzzedDataProvider &fdp) {
  Memory mem = MakeMemory(fdp, kMaxSpan);
  const Layout layout = MakeLayout(fdp, PickItemsize(fdp), mem.size());
  if (!Checked(layout, mem.size())) return;
  int64_t nbytes = 0;
  if (!ByteSize(layout, &nbytes).ok || nbytes > kMaxBytes) return;
  for (const char order : {'C', 'F'}) {
    std::vector<uint8_t> out(static_cast<size_t>(nbytes));
    Gather(layout, mem.data(), order, out.data());
    int64_t count = 0;
    if (order == 'C' && SmallCount(layout, kMaxItems, &count)) {
      FUZZ_CHECK(out == ReferenceGather(layout, mem.data()));
    }
  }
  // view_hex reads a C-contiguous view's bytes in place from its origin.
  if (IsCContiguous(layout) && nbytes > 0) {
    std::vector<uint8_t> out(static_cast<size_t>(nbytes));
    Gather(layout, mem.data(), 'C', out.data());
    FUZZ_CHECK(layout.origin >= 0 && static_cast<uint64_t>(layout.origin + nbytes) <= mem.size());
    FUZZ_CHECK(std::memcmp(out.data(), mem.data() + layout.origin, out.size()) == 0);
  }
}

std::string ReferenceHex(const std::vector<uint8_t> &bytes, bool with_sep, char sep,
                         int64_t bytes_per_sep) {
  static const char kDigits[] = "0123456789abcdef";
  const int64_t n = static_cast<int64_t>(bytes.size());
  const int64_t group = bytes_per_sep < 0 ? -bytes_per_sep : bytes_per_sep;
  std::string out;
  for (int64_t i = 0; i < n; ++i) {
    // A separator goes before byte i when a group boundary falls there.
    if (with_sep && group != 0 && i > 0) {
      const bool boundary = bytes_per_sep > 0 ? (n - i) % group == 0 : i % group == 0;
      if (boundary) out += sep;
    }
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 15];
  }
  return out;
}

void FuzzHex(FuzzedDataProvider &fdp) {
  Memory mem = MakeMemory(fdp, kMaxSpan);
  const Layout layout = MakeLayout(fdp, PickItemsize(fdp), mem.size());
  const bool with_sep = fdp.ConsumeBool();
  const char sep = static_cast<char>(fdp.ConsumeIntegralInRange<int>(0, 127));
  // A JS number through view_js.cc's ArgInteger: |x| <= 2^53 - 1 (bytes.h).
  const int64_t bytes_per_sep =
      std::clamp<int64_t>(SmallOrAny(fdp, -10, 10), -kMaxSafeSize, kMaxSafeSize);
  if (!Checked(layout, mem.size())) return;
  int64_t nbytes = 0;
  int64_t length = 0;
  if (!ByteSize(layout, &nbytes).ok || !HexLength(nbytes, with_sep, bytes_per_sep, &length)) return;
  if (nbytes > kMaxBytes) return;
  std::vector<uint8_t> bytes(static_cast<size_t>(nbytes));
  Gather(layout, mem.data(), 'C', bytes.data());
  std::vector<char> text(static_cast<size_t>(length));  // exact: ASan sees an overrun
  HexEncode(bytes.data(), nbytes, with_sep, sep, bytes_per_sep, text.data());
  FUZZ_CHECK(std::string(text.begin(), text.end()) ==
             ReferenceHex(bytes, with_sep, sep, bytes_per_sep));
}

void FuzzScatter(FuzzedDataProvider &fdp) {
  Memory mem = MakeMemory(fdp, kMaxSpan);
  const Layout layout = MakeLayout(fdp, PickItemsize(fdp), mem.size());
  if (!Checked(layout, mem.size())) return;
  int64_t count = 0;
  if (!SmallCount(layout, kMaxItems, &count)) return;
  std::vector<uint8_t> in(static_cast<size_t>(count * layout.itemsize));
  for (size_t k = 0; k < in.size(); ++k) in[k] = static_cast<uint8_t>(k * 7 + 1);
  std::vector<uint8_t> expected = mem.bytes;
  size_t next = 0;
  ForEachItem(layout, [&](int64_t offset) {
    std::memcpy(expected.data() + offset, in.data() + next, static_cast<size_t>(layout.itemsize));
    next += static_cast<size_t>(layout.itemsize);
  });
  Scatter(layout, mem.data(), in.data());
  if (ItemsDisjoint(layout, mem.size())) FUZZ_CHECK(mem.bytes == expected);
}

void FuzzAssign(FuzzedDataProvider &fdp) {
  Memory a = MakeMemory(fdp, kMaxSpan);
  Memory b;
  const bool same_buffer = fdp.ConsumeBool();
  if (!same_buffer) b = MakeMemory(fdp, kMaxSpan);
  Memory &src_mem = same_buffer ? a : b;
  const int64_t itemsize = PickItemsize(fdp);
  Layout dst = MakeLayout(fdp, itemsize, a.size());
  Layout src = MakeLayout(fdp, itemsize, src_mem.size());
  // view_assign: one shape for both, separate origins and strides.
  src.ndim = dst.ndim;
  std::copy(dst.shape, dst.shape + dst.ndim, src.shape);
  if (!Checked(dst, a.size()) || !Checked(src, src_mem.size())) return;
  int64_t count = 0;
  const bool small = SmallCount(dst, kMaxItems, &count);
  std::vector<uint8_t> expected;
  if (small) {
    const std::vector<uint8_t> items = ReferenceGather(src, src_mem.data());
    expected = a.bytes;
    size_t next = 0;
    ForEachItem(dst, [&](int64_t offset) {
      std::memcpy(expected.data() + offset, items.data() + next, static_cast<size_t>(itemsize));
      next += static_cast<size_t>(itemsize);
    });
  } else {
    int64_t nbytes = 0;
    if (!ByteSize(dst, &nbytes).ok || nbytes > kMaxBytes) return;
  }
  const std::vector<uint8_t> before = a.bytes;
  const Status status = Assign(dst, a.data(), src, src_mem.data());
  if (!status.ok) {
    FUZZ_CHECK(status.cls == ErrorClass::kMemory);
    FUZZ_CHECK(a.bytes == before);
    return;
  }
  if (small && ItemsDisjoint(dst, a.size())) FUZZ_CHECK(a.bytes == expected);
}

bool ReferenceEquals(const Layout &a, const uint8_t *a_base, const Format &fa, const Layout &b,
                     const uint8_t *b_base, const Format &fb) {
  std::vector<int64_t> a_items;
  std::vector<int64_t> b_items;
  ForEachItem(a, [&](int64_t offset) { a_items.push_back(offset); });
  ForEachItem(b, [&](int64_t offset) { b_items.push_back(offset); });
  FUZZ_CHECK(a_items.size() == b_items.size());
  SlotCursor ca(fa);
  SlotCursor cb(fb);
  for (size_t i = 0; i < a_items.size(); ++i) {
    ca.Reset();
    cb.Reset();
    for (int64_t k = 0; k < fa.nvalues; ++k) {
      if (!ValuesEqual(DecodeValue(ca.Next(), a_base + a_items[i]),
                       DecodeValue(cb.Next(), b_base + b_items[i])))
        return false;
    }
  }
  return true;
}

bool HasWchar(const Format &f) {
  for (const FieldRun &run : f.runs) {
    if (run.kind == ValueKind::kWchar) return true;
  }
  return false;
}

void FuzzEquals(FuzzedDataProvider &fdp) {
  Memory a_mem = MakeMemory(fdp, kMaxSpan);
  Memory b_mem;
  const bool same_buffer = fdp.ConsumeBool();
  if (!same_buffer) b_mem = MakeMemory(fdp, kMaxSpan);
  Memory &bm = same_buffer ? a_mem : b_mem;
  const Format fa = PickViewFormat(fdp, false);
  const Format fb = fdp.ConsumeBool() ? fa : PickViewFormat(fdp, false);
  Layout a = MakeLayout(fdp, fa.itemsize, a_mem.size());
  Layout b = MakeLayout(fdp, fb.itemsize, bm.size());
  if (fdp.ConsumeIntegralInRange<int>(0, 3) != 0) {
    b.ndim = a.ndim;
    std::copy(a.shape, a.shape + a.ndim, b.shape);
  }
  if (!Checked(a, a_mem.size()) || !Checked(b, bm.size())) return;
  int64_t count_a = 0;
  int64_t count_b = 0;
  if (!SmallCount(a, kMaxItems, &count_a) || !SmallCount(b, kMaxItems, &count_b)) return;
  const bool ab = ViewsEqual(a, a_mem.data(), fa, b, bm.data(), fb);
  const bool ba = ViewsEqual(b, bm.data(), fb, a, a_mem.data(), fa);
  FUZZ_CHECK(ab == ba);
  bool same_shape = a.ndim == b.ndim;
  for (int d = 0; same_shape && d < a.ndim; ++d) {
    same_shape = a.shape[d] == b.shape[d];
    if (a.shape[d] == 0) break;
  }
  if (!same_shape || HasWchar(fa) || HasWchar(fb)) {
    FUZZ_CHECK(!ab);
  } else if (IsEmpty(a)) {
    FUZZ_CHECK(ab);
  } else if (fa.nvalues != fb.nvalues) {
    FUZZ_CHECK(!ab);
  } else {
    FUZZ_CHECK(ab == ReferenceEquals(a, a_mem.data(), fa, b, bm.data(), fb));
  }
}

// view_find / view_find_float: a 1-D line, start and stop clamped.
void FuzzFind(FuzzedDataProvider &fdp, bool floats) {
  Memory mem = MakeMemory(fdp, kMaxSpan);
  Format format;
  Layout layout;
  layout.ndim = 1;
  const int64_t s = static_cast<int64_t>(mem.size());
  layout.origin = SmallOrAny(fdp, -2, s + 2);
  layout.shape[0] = SmallOrAny(fdp, -1, 70);
  if (floats) {
    static const char *const kFloatFormats[] = {"e",  "f",  "d",  "<e", ">e", "<f",
                                                ">f", "<d", ">d", "!e", "=d"};
    CompileFormat(fdp.PickValueInArray(kFloatFormats), FormatMode::kView, &format);
    layout.itemsize = format.itemsize;
  } else {
    layout.itemsize = PickItemsize(fdp);
    if (layout.itemsize < 1) return;  // view_find refuses it first
  }
  layout.strides[0] = SmallOrAny(fdp, -3 * layout.itemsize - 8, 3 * layout.itemsize + 8);
  std::vector<uint8_t> pattern(static_cast<size_t>(std::min<int64_t>(layout.itemsize, 64)));
  for (uint8_t &p : pattern) p = fdp.ConsumeIntegral<uint8_t>();
  double value = 0;
  if (floats) {
    value = fdp.ConsumeBool() ? fdp.ConsumeFloatingPoint<double>()
                              : fdp.PickValueInArray<double>({0.0, -0.0, 1.0, -2.5, 65504.0, 1e-7,
                                                              INFINITY, -INFINITY, NAN, 3.4e38});
  }
  const int64_t length = std::max<int64_t>(layout.shape[0], 0);
  const int64_t start = std::clamp<int64_t>(SmallOrAny(fdp, -3, 72), 0, length);
  const int64_t stop = std::clamp<int64_t>(SmallOrAny(fdp, -3, 72), 0, length);
  const bool first_only = fdp.ConsumeBool();
  if (!floats && layout.itemsize > 64) return;
  if (!Checked(layout, mem.size())) return;
  // A stride-0 line of 2^53 items is valid and takes as long to search as JS
  // would wait (a known slow case, not a memory error): keep inputs fast.
  if (stop - start > kMaxItems) return;

  int64_t result = first_only ? -1 : 0;
  ValueSlot slot{};
  if (floats) {
    slot = SlotCursor(format).Next();
    uint8_t fp[8];
    uint8_t mask[8];
    if (FloatSearchPattern(value, slot, fp, mask)) {
      // The pattern, decoded, is the value sought.
      FUZZ_CHECK(
          ValuesEqual(DecodeValue(ValueSlot{slot.kind, slot.little_endian, 0, slot.size}, fp),
                      Value{Value::Type::kFloat, 0, 0, value, nullptr, 0}));
      result = FindItems(ItemAddress(mem.data(), layout, slot.offset), layout.strides[0], slot.size,
                         fp, mask, start, stop, first_only);
    }
  } else {
    result = FindItems(ItemAddress(mem.data(), layout), layout.strides[0], layout.itemsize,
                       pattern.data(), nullptr, start, stop, first_only);
  }
  // Reference: item by item.
  int64_t expected = first_only ? -1 : 0;
  for (int64_t i = start; i < stop; ++i) {
    const uint8_t *item = mem.data() + layout.origin + i * layout.strides[0];
    const bool hit = floats ? ValuesEqual(DecodeValue(slot, item),
                                          Value{Value::Type::kFloat, 0, 0, value, nullptr, 0})
                            : std::memcmp(item, pattern.data(), pattern.size()) == 0;
    if (!hit) continue;
    if (first_only) {
      expected = i;
      break;
    }
    ++expected;
  }
  FUZZ_CHECK(result == expected);
}

void FuzzConvert(FuzzedDataProvider &fdp) {
  Memory src_mem = MakeMemory(fdp, kMaxSpan);
  Memory other;
  const bool same_buffer = fdp.ConsumeBool();
  if (!same_buffer) other = MakeMemory(fdp, kMaxSpan);
  Memory &dst_mem = same_buffer ? src_mem : other;
  const Format src_format = PickViewFormat(fdp, true);
  const Format dst_format = PickViewFormat(fdp, true);
  const ErrorClass range_class = fdp.ConsumeBool() ? ErrorClass::kValue : ErrorClass::kOverflow;
  const Layout src = MakeLayout(fdp, src_format.itemsize, src_mem.size());
  const int64_t dst_offset = SmallOrAny(fdp, -2, static_cast<int64_t>(dst_mem.size()) + 2);
  if (!Checked(src, src_mem.size())) return;
  int64_t count = 0;
  if (!SmallCount(src, kMaxItems, &count)) return;
  // view_convert: count contiguous items of dst_format at dst_offset.
  const Layout dst = ContiguousRun(dst_offset, count, dst_format.itemsize);
  if (!Checked(dst, dst_mem.size())) return;
  const std::vector<uint8_t> src_items = ReferenceGather(src, src_mem.data());
  const std::vector<uint8_t> before = dst_mem.bytes;
  const Status status = ConvertItems(ItemAddress(dst_mem.data(), dst), dst_format, src,
                                     src_mem.data(), src_format, range_class);
  if (!status.ok) {
    // Nothing written unless everything was valid.
    FUZZ_CHECK(dst_mem.bytes == before);
    FUZZ_CHECK(status.cls == ErrorClass::kType || status.cls == range_class ||
               status.cls == ErrorClass::kOverflow || status.cls == ErrorClass::kMemory);
    return;
  }
  // Every integer value arrives intact in an integer destination.
  const ValueSlot from = SlotCursor(src_format).Next();
  const ValueSlot to = SlotCursor(dst_format).Next();
  const bool ints = (from.kind == ValueKind::kInt || from.kind == ValueKind::kUInt ||
                     from.kind == ValueKind::kBigInt || from.kind == ValueKind::kBigUInt) &&
                    (to.kind == ValueKind::kInt || to.kind == ValueKind::kUInt ||
                     to.kind == ValueKind::kBigInt || to.kind == ValueKind::kBigUInt);
  if (!ints) return;
  for (int64_t i = 0; i < count; ++i) {
    const Value in = DecodeValue(from, src_items.data() + i * src_format.itemsize);
    const Value out = DecodeValue(to, dst_mem.data() + dst_offset + i * dst_format.itemsize);
    FUZZ_CHECK(ValuesEqual(in, out));
  }
}

void FuzzByteSwap(FuzzedDataProvider &fdp) {
  Memory mem = MakeMemory(fdp, kMaxSpan);
  const int64_t offset = SmallOrAny(fdp, -2, static_cast<int64_t>(mem.size()) + 2);
  const int64_t itemsize = fdp.PickValueInArray<int64_t>({1, 2, 4, 8});
  const int64_t nbytes = SmallOrAny(fdp, -2, static_cast<int64_t>(mem.size()) + 2);
  // bytes_swap's own checks, in its order.
  if (nbytes % itemsize != 0 || nbytes < 0) return;
  const Layout layout = ContiguousRun(offset, nbytes / itemsize, itemsize);
  if (!Checked(layout, mem.size()) || nbytes == 0) return;
  std::vector<uint8_t> expected = mem.bytes;
  for (int64_t i = 0; i < nbytes; i += itemsize) {
    std::reverse(expected.begin() + offset + i, expected.begin() + offset + i + itemsize);
  }
  ByteSwap(mem.data() + offset, static_cast<size_t>(nbytes), static_cast<int>(itemsize));
  FUZZ_CHECK(mem.bytes == expected);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  switch (fdp.ConsumeIntegralInRange<int>(0, 8)) {
    case 0:
      FuzzToBytes(fdp);
      break;
    case 1:
      FuzzHex(fdp);
      break;
    case 2:
      FuzzScatter(fdp);
      break;
    case 3:
      FuzzAssign(fdp);
      break;
    case 4:
      FuzzEquals(fdp);
      break;
    case 5:
      FuzzFind(fdp, false);
      break;
    case 6:
      FuzzFind(fdp, true);
      break;
    case 7:
      FuzzConvert(fdp);
      break;
    default:
      FuzzByteSwap(fdp);
      break;
  }
  return 0;
}
