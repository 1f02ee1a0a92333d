// decode_fuzz.cc — item decoding and packing (binding/compare.cc): every
// value slot of any format, in every byte order, and half floats.
//
// Input: a format (any struct format the fuzzer spells, or a common one), the
// bytes of one item (heap memory of exactly itemsize bytes, so that a slot
// read past the item is an AddressSanitizer report), and doubles. Checks:
//  - DecodeValue of every slot reads inside the item and gives the type its
//    kind says; integers sign- or zero-extend exactly; byte strings stay in
//    the item; Pascal strings are at most size - 1 bytes;
//  - HalfToDouble / DoubleToHalf: every half survives a round trip, and a
//    double becomes the nearest half, ties to even (CPython's PyFloat_Pack2);
//  - FloatSearchPattern's bytes decode to the value sought;
//  - ConvertItems of one item between single-value formats either fails
//    without writing or writes a value equal to the source (integers) or the
//    correctly rounded one (floats).
#include <cmath>
#include <cstring>
#include <memory>
#include <string>

#include "compare.h"
#include "format.h"
#include "fuzz_util.h"

using namespace memview;

namespace {

const char *const kFormats[] = {
    "b",  "B",  "h",  "H",  "i",  "I",    "l",     "L",     "q",   "Q",     "n",  "N",    "P",
    "e",  "f",  "d",  "?",  "c",  "5s",   "4p",    "1p",    "0p",  "<h",    ">h", "<H",   ">H",
    "<i", ">I", "<l", ">L", "<q", ">Q",   "!q",    "=Q",    "<e",  ">e",    "<f", ">f",   "<d",
    ">d", "!e", "=f", "<?", ">c", "bhiq", "<bhiq", ">BHIQ", "e?d", ">e2xd", "3h", "255p",
};

Format PickFormat(FuzzedDataProvider &fdp) {
  Format format;
  if (fdp.ConsumeBool()) {
    const std::string text = fdp.ConsumeRandomLengthString(16);
    if (text.find('\0') == std::string::npos &&
        CompileFormat(text, FormatMode::kStruct, &format).ok && format.itemsize <= 4096) {
      return format;
    }
  }
  CompileFormat(fdp.PickValueInArray(kFormats), FormatMode::kStruct, &format);
  return format;
}

bool IsIntegerKind(ValueKind kind) {
  return kind == ValueKind::kInt || kind == ValueKind::kUInt || kind == ValueKind::kBigInt ||
         kind == ValueKind::kBigUInt;
}

// The half nearest to d, ties to even, from first principles: halves 0 …
// 0x7bff are the finite non-negative ones in increasing order, so a binary
// search finds the two that bracket |d| (largest finite half: 65504; from
// 65520 up, CPython's PyFloat_Pack2 overflows).
bool ReferenceHalf(double d, uint16_t *bits) {
  const uint16_t sign = std::signbit(d) ? 0x8000 : 0;
  const double a = std::fabs(d);
  if (std::isinf(a)) {
    *bits = sign | 0x7c00;
    return true;
  }
  if (a >= 65520.0) return false;
  uint32_t lo = 0;  // HalfToDouble(lo) <= a
  uint32_t hi = 0x7bff;
  while (lo < hi) {
    const uint32_t mid = (lo + hi + 1) / 2;
    if (HalfToDouble(static_cast<uint16_t>(mid)) <= a) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  uint32_t best = lo;
  if (lo < 0x7bff) {
    const double below = a - HalfToDouble(static_cast<uint16_t>(lo));
    const double above = HalfToDouble(static_cast<uint16_t>(lo + 1)) - a;
    if (above < below || (above == below && (lo & 1) != 0)) best = lo + 1;
  }
  *bits = sign | static_cast<uint16_t>(best);
  return true;
}

void CheckHalf(FuzzedDataProvider &fdp) {
  const uint16_t h = fdp.ConsumeIntegral<uint16_t>();
  const double d = HalfToDouble(h);
  uint16_t back = 0;
  FUZZ_CHECK(DoubleToHalf(d, &back));
  if (std::isnan(d)) {
    FUZZ_CHECK((back & 0x7c00) == 0x7c00 && (back & 0x3ff) != 0);
  } else {
    FUZZ_CHECK(back == h);
  }
  const double x = fdp.ConsumeBool() ? fdp.ConsumeFloatingPoint<double>()
                                     : std::ldexp(fdp.ConsumeFloatingPointInRange<double>(-2, 2),
                                                  fdp.ConsumeIntegralInRange<int>(-30, 17));
  if (std::isnan(x)) return;
  uint16_t got = 0;
  uint16_t want = 0;
  const bool fits = DoubleToHalf(x, &got);
  FUZZ_CHECK(fits == ReferenceHalf(x, &want));
  if (fits) FUZZ_CHECK(got == want);
}

void CheckDecode(FuzzedDataProvider &fdp) {
  const Format format = PickFormat(fdp);
  // Exactly itemsize bytes, never a null pointer (an item always lies in some
  // span's memory, even when its size is 0).
  const size_t itemsize = static_cast<size_t>(format.itemsize);
  std::unique_ptr<uint8_t[]> item(new uint8_t[itemsize]);
  for (size_t j = 0; j < itemsize; ++j) item[j] = fdp.ConsumeIntegral<uint8_t>();
  const uint8_t *base = item.get();
  SlotCursor cursor(format);
  for (int64_t k = 0; k < format.nvalues; ++k) {
    const ValueSlot slot = cursor.Next();
    FUZZ_CHECK(slot.offset >= 0 && slot.offset + slot.size <= format.itemsize);
    const Value v = DecodeValue(slot, base);
    switch (slot.kind) {
      case ValueKind::kInt:
      case ValueKind::kBigInt: {
        FUZZ_CHECK(v.type == Value::Type::kSigned);
        // Reference: assemble the bytes in the slot's order, then sign-extend.
        uint64_t u = 0;
        for (int64_t j = 0; j < slot.size; ++j) {
          const int64_t at = slot.little_endian ? slot.size - 1 - j : j;
          u = (u << 8) | base[slot.offset + at];
        }
        const int bits = static_cast<int>(slot.size * 8);
        const bool negative = bits < 64 ? (u >> (bits - 1)) & 1 : (u >> 63) & 1;
        if (bits < 64 && negative) u |= ~uint64_t{0} << bits;
        FUZZ_CHECK(static_cast<uint64_t>(v.i) == u);
        break;
      }
      case ValueKind::kUInt:
      case ValueKind::kBigUInt:
      case ValueKind::kPointer: {
        FUZZ_CHECK(v.type == Value::Type::kUnsigned);
        uint64_t u = 0;
        for (int64_t j = 0; j < slot.size; ++j) {
          const int64_t at = slot.little_endian ? slot.size - 1 - j : j;
          u = (u << 8) | base[slot.offset + at];
        }
        FUZZ_CHECK(v.u == u);
        break;
      }
      case ValueKind::kBool:
        FUZZ_CHECK(v.type == Value::Type::kUnsigned && v.u == (base[slot.offset] != 0));
        break;
      case ValueKind::kFloat:
        FUZZ_CHECK(v.type == Value::Type::kFloat);
        break;
      case ValueKind::kChar:
      case ValueKind::kBytes:
        FUZZ_CHECK(v.type == Value::Type::kBytes && v.nbytes == slot.size);
        FUZZ_CHECK(slot.size == 0 || v.bytes == base + slot.offset);
        break;
      case ValueKind::kPascal:
        FUZZ_CHECK(v.type == Value::Type::kBytes && v.nbytes >= 0);
        FUZZ_CHECK(v.nbytes <= (slot.size > 0 ? slot.size - 1 : 0));
        if (v.nbytes > 0) {
          FUZZ_CHECK(v.bytes >= base + slot.offset + 1 &&
                     v.bytes + v.nbytes <= base + slot.offset + slot.size);
        }
        break;
      default:
        break;
    }
    // Every value equals itself, except NaN.
    const bool nan = v.type == Value::Type::kFloat && std::isnan(v.d);
    FUZZ_CHECK(ValuesEqual(v, v) == !nan);
    if (slot.kind == ValueKind::kFloat && !nan) {
      uint8_t pattern[8];
      uint8_t mask[8];
      FUZZ_CHECK(FloatSearchPattern(v.d, slot, pattern, mask));
      const ValueSlot at0{slot.kind, slot.little_endian, 0, slot.size};
      FUZZ_CHECK(ValuesEqual(DecodeValue(at0, pattern), v));
      // The item's own bytes match the pattern under the mask.
      for (int64_t j = 0; j < slot.size; ++j)
        FUZZ_CHECK((base[slot.offset + j] & mask[j]) == pattern[j]);
    }
  }
}

// One item converted between two single-value formats (Array.extend's path).
void CheckConvert(FuzzedDataProvider &fdp) {
  const Format src_format = PickFormat(fdp);
  const Format dst_format = PickFormat(fdp);
  if (src_format.itemsize == 0 || dst_format.itemsize == 0) return;
  std::vector<uint8_t> src(static_cast<size_t>(src_format.itemsize));
  for (uint8_t &b : src) b = fdp.ConsumeIntegral<uint8_t>();
  std::vector<uint8_t> dst(static_cast<size_t>(dst_format.itemsize), 0xa5);
  const std::vector<uint8_t> before = dst;
  const Layout layout = ContiguousRun(0, 1, src_format.itemsize);
  const Status status =
      ConvertItems(dst.data(), dst_format, layout, src.data(), src_format, ErrorClass::kOverflow);
  if (!status.ok) {
    FUZZ_CHECK(dst == before);
    return;
  }
  FUZZ_CHECK(src_format.nvalues == 1 && dst_format.nvalues == 1);
  const ValueSlot from = SlotCursor(src_format).Next();
  const ValueSlot to = SlotCursor(dst_format).Next();
  const Value in = DecodeValue(from, src.data());
  const Value out = DecodeValue(to, dst.data());
  if (IsIntegerKind(to.kind)) {
    FUZZ_CHECK(ValuesEqual(in, out));
  } else if (to.kind == ValueKind::kFloat && from.kind != ValueKind::kBool) {
    const double x = in.type == Value::Type::kSigned     ? static_cast<double>(in.i)
                     : in.type == Value::Type::kUnsigned ? static_cast<double>(in.u)
                                                         : in.d;
    if (std::isnan(x)) {
      FUZZ_CHECK(std::isnan(out.d));
    } else if (to.size == 8) {
      FUZZ_CHECK(out.d == x);
    } else if (to.size == 4) {
      FUZZ_CHECK(out.d == static_cast<double>(static_cast<float>(x)));
    } else {
      uint16_t want = 0;
      FUZZ_CHECK(ReferenceHalf(x, &want));
      FUZZ_CHECK(out.d == HalfToDouble(want));
    }
  } else if (to.kind == ValueKind::kBool) {
    FUZZ_CHECK(out.u == 0 || out.u == 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  switch (fdp.ConsumeIntegralInRange<int>(0, 2)) {
    case 0:
      CheckHalf(fdp);
      break;
    case 1:
      CheckDecode(fdp);
      break;
    default:
      CheckConvert(fdp);
      break;
  }
  return 0;
}
