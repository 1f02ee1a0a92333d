// compare.cc — item values, equality, conversion (see compare.h).
#include "compare.h"

#include <cmath>
#include <memory>
#include <new>
#include <string>

namespace memview {

namespace {

// An unsigned integer of `size` bytes (1, 2, 4 or 8) in the given byte order.
uint64_t LoadBits(const uint8_t *p, int64_t size, bool little_endian) {
  const bool swap = little_endian != kHostLittleEndian;
  switch (size) {
    case 1:
      return p[0];
    case 2: {
      uint16_t v;
      std::memcpy(&v, p, 2);
      return swap ? __builtin_bswap16(v) : v;
    }
    case 4: {
      uint32_t v;
      std::memcpy(&v, p, 4);
      return swap ? __builtin_bswap32(v) : v;
    }
    case 8: {
      uint64_t v;
      std::memcpy(&v, p, 8);
      return swap ? __builtin_bswap64(v) : v;
    }
    default:
      return 0;
  }
}

void StoreBits(uint8_t *p, uint64_t bits, int64_t size, bool little_endian) {
  const bool swap = little_endian != kHostLittleEndian;
  switch (size) {
    case 1:
      p[0] = static_cast<uint8_t>(bits);
      return;
    case 2: {
      uint16_t v = static_cast<uint16_t>(bits);
      if (swap) v = __builtin_bswap16(v);
      std::memcpy(p, &v, 2);
      return;
    }
    case 4: {
      uint32_t v = static_cast<uint32_t>(bits);
      if (swap) v = __builtin_bswap32(v);
      std::memcpy(p, &v, 4);
      return;
    }
    case 8: {
      if (swap) bits = __builtin_bswap64(bits);
      std::memcpy(p, &bits, 8);
      return;
    }
    default:
      return;
  }
}

// Exact comparisons of an integer with a double: the double must be integral
// and in range, then compare as integers (2^63 and 2^64 are exact doubles).
bool SignedEqualsDouble(int64_t i, double d) {
  if (!(d >= -0x1p63 && d < 0x1p63) || d != std::trunc(d)) return false;  // NaN fails too
  return static_cast<int64_t>(d) == i;
}

bool UnsignedEqualsDouble(uint64_t u, double d) {
  if (!(d >= 0 && d < 0x1p64) || d != std::trunc(d)) return false;
  return static_cast<uint64_t>(d) == u;
}

bool SignedEqualsUnsigned(int64_t i, uint64_t u) {
  return i >= 0 && static_cast<uint64_t>(i) == u;
}

bool HasWchar(const Format &format) {
  for (const FieldRun &run : format.runs) {
    if (run.kind == ValueKind::kWchar) return true;
  }
  return false;
}

// Items whose bytes are their values: equal items are equal bytes and back.
// Integers, chars and byte strings filling the item with no padding; not
// floats (NaN, -0), bools (any non-zero byte is true) nor Pascal strings.
bool ComparesBytewise(const Format &format) {
  int64_t covered = 0;
  for (const FieldRun &run : format.runs) {
    switch (run.kind) {
      case ValueKind::kInt:
      case ValueKind::kUInt:
      case ValueKind::kBigInt:
      case ValueKind::kBigUInt:
      case ValueKind::kPointer:
      case ValueKind::kChar:
      case ValueKind::kBytes:
        covered += run.size * run.count;
        break;
      default:
        return false;
    }
  }
  return covered == format.itemsize;
}

template <typename T>
bool SameFloats(const Layout &a, const uint8_t *pa, const Layout &b, const uint8_t *pb) {
  return ForEachPair(a.ndim, a.shape, pa, a.strides, pb, b.strides,
                     [](const uint8_t *x, const uint8_t *y) {
                       T u;
                       T v;
                       std::memcpy(&u, x, sizeof(T));
                       std::memcpy(&v, y, sizeof(T));
                       return u == v;
                     });
}

// ---- conversion -------------------------------------------------------------

bool IsNumeric(ValueKind kind) {
  return kind == ValueKind::kInt || kind == ValueKind::kUInt || kind == ValueKind::kBigInt ||
         kind == ValueKind::kBigUInt || kind == ValueKind::kFloat || kind == ValueKind::kBool;
}

bool IsInteger(ValueKind kind) {
  return kind == ValueKind::kInt || kind == ValueKind::kUInt || kind == ValueKind::kBigInt ||
         kind == ValueKind::kBigUInt;
}

bool IsSigned(ValueKind kind) {
  return kind == ValueKind::kInt || kind == ValueKind::kBigInt;
}

// Why a value does not fit a destination slot.
enum class Fit { kOk, kBelow, kAbove, kFloatTooLarge };

double ToDouble(const Value &v) {
  switch (v.type) {
    case Value::Type::kSigned:
      return static_cast<double>(v.i);
    case Value::Type::kUnsigned:
      return static_cast<double>(v.u);
    default:
      return v.d;
  }
}

// True when a finite double becomes an infinite float.
bool FloatOverflows(double d) {
  return std::isfinite(d) && std::isinf(static_cast<float>(d));
}

// Integer values only reach integer slots (ConvertItems refuses floats first).
Fit CheckFit(const Value &v, const ValueSlot &dst, bool native_sizes) {
  const int bits = static_cast<int>(dst.size * 8);
  if (IsSigned(dst.kind)) {
    const int64_t max = static_cast<int64_t>((uint64_t{1} << (bits - 1)) - 1);
    const int64_t min = -max - 1;
    if (v.type == Value::Type::kUnsigned)
      return v.u > static_cast<uint64_t>(max) ? Fit::kAbove : Fit::kOk;
    return v.i < min ? Fit::kBelow : v.i > max ? Fit::kAbove : Fit::kOk;
  }
  if (IsInteger(dst.kind)) {
    const uint64_t max = bits == 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
    if (v.type == Value::Type::kSigned) {
      if (v.i < 0) return Fit::kBelow;
      return static_cast<uint64_t>(v.i) > max ? Fit::kAbove : Fit::kOk;
    }
    return v.u > max ? Fit::kAbove : Fit::kOk;
  }
  if (dst.kind == ValueKind::kFloat) {
    uint16_t half;
    if (dst.size == 2 && !DoubleToHalf(ToDouble(v), &half)) return Fit::kFloatTooLarge;
    // A native 'f' saturates to ±inf, as CPython's array and memoryview do;
    // standard-size '<f' refuses, as struct does.
    if (dst.size == 4 && !native_sizes && FloatOverflows(ToDouble(v))) return Fit::kFloatTooLarge;
  }
  return Fit::kOk;
}

void EncodeValue(const ValueSlot &dst, uint8_t *item, const Value &v) {
  uint8_t *p = item + dst.offset;
  switch (dst.kind) {
    case ValueKind::kBool: {
      // JS truthiness: NaN is false.
      const bool truthy = v.type == Value::Type::kFloat    ? (v.d != 0 && !std::isnan(v.d))
                          : v.type == Value::Type::kSigned ? v.i != 0
                                                           : v.u != 0;
      p[0] = truthy ? 1 : 0;
      return;
    }
    case ValueKind::kFloat: {
      const double d = ToDouble(v);
      if (dst.size == 2) {
        uint16_t half = 0;
        DoubleToHalf(d, &half);
        StoreBits(p, half, 2, dst.little_endian);
      } else if (dst.size == 4) {
        const float f = static_cast<float>(d);
        uint32_t bits;
        std::memcpy(&bits, &f, 4);
        StoreBits(p, bits, 4, dst.little_endian);
      } else {
        uint64_t bits;
        std::memcpy(&bits, &d, 8);
        StoreBits(p, bits, 8, dst.little_endian);
      }
      return;
    }
    default: {
      // Integers and code points: two's complement, truncated to the slot.
      const uint64_t bits = v.type == Value::Type::kSigned ? static_cast<uint64_t>(v.i) : v.u;
      StoreBits(p, bits, dst.size, dst.little_endian);
      return;
    }
  }
}

// CPython's array messages for OverflowError, its memoryview message for ValueError.
Status RangeStatus(Fit fit, const Format &dst, ErrorClass range_class) {
  if (fit == Fit::kFloatTooLarge) {
    const char code = dst.SingleCode();
    return Status::Error(ErrorClass::kOverflow, ErrorCode::kValue,
                         std::string("float too large to pack with ") + code + " format");
  }
  if (range_class != ErrorClass::kOverflow) {
    return Status::Error(range_class, ErrorCode::kValue,
                         "memoryview: invalid value for format '" + dst.text + "'");
  }
  const bool below = fit == Fit::kBelow;
  const char *message = nullptr;
  switch (dst.SingleCode()) {
    case 'b':
      message = below ? "signed char is less than minimum" : "signed char is greater than maximum";
      break;
    case 'B':
      message = below ? "unsigned byte integer is less than minimum"
                      : "unsigned byte integer is greater than maximum";
      break;
    case 'h':
      message = below ? "signed short integer is less than minimum"
                      : "signed short integer is greater than maximum";
      break;
    case 'H':
      message =
          below ? "unsigned short is less than minimum" : "unsigned short is greater than maximum";
      break;
    case 'i':
      message =
          below ? "signed integer is less than minimum" : "signed integer is greater than maximum";
      break;
    case 'I':
      message = below ? "can't convert negative value to unsigned int"
                      : "unsigned int is greater than maximum";
      break;
    case 'l':
      message = "Python int too large to convert to C long";
      break;
    case 'L':
      message = below ? "can't convert negative value to unsigned int"
                      : "Python int too large to convert to C unsigned long";
      break;
    case 'Q':
    case 'N':
      message = below ? "can't convert negative int to unsigned" : "int too big to convert";
      break;
    default:
      message = "int too big to convert";
      break;
  }
  return Status::Error(ErrorClass::kOverflow, ErrorCode::kValue, message);
}

// Same kind family, size and byte order, no padding: items copy as bytes.
bool SameRepresentation(const Format &a, const Format &b) {
  const FieldRun &x = a.runs[0];
  const FieldRun &y = b.runs[0];
  if (x.offset != 0 || y.offset != 0 || x.size != a.itemsize || y.size != b.itemsize ||
      x.size != y.size || (x.size > 1 && x.little_endian != y.little_endian))
    return false;
  if (IsInteger(x.kind) && IsInteger(y.kind)) return IsSigned(x.kind) == IsSigned(y.kind);
  return x.kind == y.kind && (x.kind == ValueKind::kFloat || x.kind == ValueKind::kWchar);
}

}  // namespace

Value DecodeValue(const ValueSlot &slot, const uint8_t *item) {
  const uint8_t *p = item + slot.offset;
  Value v;
  switch (slot.kind) {
    case ValueKind::kInt:
    case ValueKind::kBigInt: {
      // Sign-extend from the slot's width (arithmetic shift: C++20).
      const int shift = static_cast<int>(64 - 8 * slot.size);
      v.type = Value::Type::kSigned;
      v.i = static_cast<int64_t>(LoadBits(p, slot.size, slot.little_endian) << shift) >> shift;
      return v;
    }
    case ValueKind::kBool:
      v.type = Value::Type::kUnsigned;
      v.u = p[0] != 0 ? 1 : 0;
      return v;
    case ValueKind::kFloat: {
      v.type = Value::Type::kFloat;
      const uint64_t bits = LoadBits(p, slot.size, slot.little_endian);
      if (slot.size == 2) {
        v.d = HalfToDouble(static_cast<uint16_t>(bits));
      } else if (slot.size == 4) {
        const uint32_t bits32 = static_cast<uint32_t>(bits);
        float f;
        std::memcpy(&f, &bits32, 4);
        v.d = f;
      } else {
        std::memcpy(&v.d, &bits, 8);
      }
      return v;
    }
    case ValueKind::kChar:
    case ValueKind::kBytes:
      v.type = Value::Type::kBytes;
      v.bytes = p;
      v.nbytes = slot.size;
      return v;
    case ValueKind::kPascal: {
      // As struct.unpack: a length byte, then at most size - 1 bytes.
      int64_t n = slot.size == 0 ? 0 : p[0];
      if (n >= slot.size) n = slot.size > 0 ? slot.size - 1 : 0;
      v.type = Value::Type::kBytes;
      v.bytes = slot.size > 0 ? p + 1 : p;
      v.nbytes = n;
      return v;
    }
    default:
      // Unsigned integers, pointers, and code points.
      v.type = Value::Type::kUnsigned;
      v.u = LoadBits(p, slot.size, slot.little_endian);
      return v;
  }
}

bool ValuesEqual(const Value &a, const Value &b) {
  using Type = Value::Type;
  if (a.type == Type::kBytes || b.type == Type::kBytes) {
    return a.type == b.type && a.nbytes == b.nbytes &&
           std::memcmp(a.bytes, b.bytes, static_cast<size_t>(a.nbytes)) == 0;
  }
  switch (a.type) {
    case Type::kSigned:
      return b.type == Type::kSigned     ? a.i == b.i
             : b.type == Type::kUnsigned ? SignedEqualsUnsigned(a.i, b.u)
                                         : SignedEqualsDouble(a.i, b.d);
    case Type::kUnsigned:
      return b.type == Type::kSigned     ? SignedEqualsUnsigned(b.i, a.u)
             : b.type == Type::kUnsigned ? a.u == b.u
                                         : UnsignedEqualsDouble(a.u, b.d);
    default:
      return b.type == Type::kSigned     ? SignedEqualsDouble(b.i, a.d)
             : b.type == Type::kUnsigned ? UnsignedEqualsDouble(b.u, a.d)
                                         : a.d == b.d;
  }
}

double HalfToDouble(uint16_t bits) {
  const int exponent = (bits >> 10) & 0x1f;
  const int mantissa = bits & 0x3ff;
  double value;
  if (exponent == 0) {
    value = std::ldexp(mantissa, -24);
  } else if (exponent == 31) {
    value = mantissa == 0 ? INFINITY : NAN;
  } else {
    value = std::ldexp(mantissa + 1024, exponent - 25);
  }
  return (bits & 0x8000) ? -value : value;
}

bool DoubleToHalf(double value, uint16_t *bits) {
  const uint16_t sign = std::signbit(value) ? 0x8000 : 0;
  const double a = std::fabs(value);
  if (std::isnan(value)) {
    *bits = sign | 0x7e00;
  } else if (std::isinf(a)) {
    *bits = sign | 0x7c00;
  } else if (a < 0x1p-14) {
    // Zero or subnormal: a multiple of 2^-24 (scaling by 2^24 is exact).
    // Rounding up to 1024 gives the smallest normal, whose bits are 0x0400.
    *bits = sign | static_cast<uint16_t>(std::nearbyint(a * 0x1p24));
  } else {
    int exponent = std::ilogb(a);  // a in [2^exponent, 2^(exponent + 1))
    double mantissa = std::nearbyint(std::ldexp(a, 10 - exponent));  // [1024, 2048]
    if (mantissa == 2048) {
      mantissa = 1024;
      ++exponent;
    }
    if (exponent > 15) return false;
    *bits = sign | static_cast<uint16_t>((exponent + 15) << 10) |
            static_cast<uint16_t>(mantissa - 1024);
  }
  return true;
}

bool FloatSearchPattern(double value, const ValueSlot &slot, uint8_t pattern[8], uint8_t mask[8]) {
  if (std::isnan(value)) return false;
  uint64_t bits = 0;
  uint64_t sign = 0;
  switch (slot.size) {
    case 2: {
      uint16_t half = 0;
      if (!DoubleToHalf(value, &half) || HalfToDouble(half) != value) return false;
      bits = half;
      sign = 0x8000;
      break;
    }
    case 4: {
      if (std::isfinite(value) && std::fabs(value) > 0x1.fffffep127) return false;
      const float f = static_cast<float>(value);
      if (static_cast<double>(f) != value) return false;
      uint32_t bits32;
      std::memcpy(&bits32, &f, 4);
      bits = bits32;
      sign = 0x80000000u;
      break;
    }
    case 8:
      std::memcpy(&bits, &value, 8);
      sign = uint64_t{1} << 63;
      break;
    default:
      return false;
  }
  const uint64_t mask_bits = value == 0 ? ~sign : ~uint64_t{0};
  StoreBits(pattern, bits & mask_bits, slot.size, slot.little_endian);
  StoreBits(mask, mask_bits, slot.size, slot.little_endian);
  return true;
}

bool ViewsEqual(const Layout &a, const uint8_t *a_base, const Format &a_format, const Layout &b,
                const uint8_t *b_base, const Format &b_format) {
  // CPython's equiv_shape: same ndim, same extents up to the first 0.
  if (a.ndim != b.ndim) return false;
  for (int d = 0; d < a.ndim; ++d) {
    if (a.shape[d] != b.shape[d]) return false;
    if (a.shape[d] == 0) break;
  }
  // struct cannot unpack 'w': CPython's == is then False, even for itself.
  if (HasWchar(a_format) || HasWchar(b_format)) return false;
  if (IsEmpty(a)) return true;
  // One value against a tuple, or tuples of different lengths.
  if (a_format.nvalues != b_format.nvalues) return false;

  const uint8_t *pa = a_base + a.origin;
  const uint8_t *pb = b_base + b.origin;
  if (SameItems(a_format, b_format) && ComparesBytewise(a_format)) {
    if (IsCContiguous(a) && IsCContiguous(b)) {
      int64_t count = 0;
      ItemCount(a, &count);  // cannot overflow: the view fits in its span
      return std::memcmp(pa, pb, static_cast<size_t>(count * a.itemsize)) == 0;
    }
    const size_t itemsize = static_cast<size_t>(a.itemsize);
    return ForEachPair(
        a.ndim, a.shape, pa, a.strides, pb, b.strides,
        [&](const uint8_t *x, const uint8_t *y) { return std::memcmp(x, y, itemsize) == 0; });
  }
  if (a_format.nvalues == 1) {
    const ValueSlot sa = SlotCursor(a_format).Next();
    // Same native-order float on both sides (Float64Array against
    // Float64Array): compare as C floats, NaN and -0 included, without
    // decoding (1M doubles: 0.4 ms instead of 4.6 ms, CPython 1.2 ms).
    if (SameItems(a_format, b_format) && sa.kind == ValueKind::kFloat &&
        sa.little_endian == kHostLittleEndian && sa.offset == 0) {
      if (sa.size == 8) return SameFloats<double>(a, pa, b, pb);
      if (sa.size == 4) return SameFloats<float>(a, pa, b, pb);
    }
    const ValueSlot sb = SlotCursor(b_format).Next();
    return ForEachPair(a.ndim, a.shape, pa, a.strides, pb, b.strides,
                       [&](const uint8_t *x, const uint8_t *y) {
                         return ValuesEqual(DecodeValue(sa, x), DecodeValue(sb, y));
                       });
  }
  SlotCursor ca(a_format);
  SlotCursor cb(b_format);
  return ForEachPair(a.ndim, a.shape, pa, a.strides, pb, b.strides,
                     [&](const uint8_t *x, const uint8_t *y) {
                       ca.Reset();
                       cb.Reset();
                       for (int64_t k = 0; k < a_format.nvalues; ++k) {
                         if (!ValuesEqual(DecodeValue(ca.Next(), x), DecodeValue(cb.Next(), y)))
                           return false;
                       }
                       return true;
                     });
}

Status ConvertItems(uint8_t *dst, const Format &dst_format, const Layout &src,
                    const uint8_t *src_base, const Format &src_format, ErrorClass range_class) {
  const bool numeric = dst_format.nvalues == 1 && src_format.nvalues == 1 &&
                       IsNumeric(dst_format.runs[0].kind) && IsNumeric(src_format.runs[0].kind);
  const bool wide_chars = dst_format.nvalues == 1 && src_format.nvalues == 1 &&
                          dst_format.runs[0].kind == ValueKind::kWchar &&
                          src_format.runs[0].kind == ValueKind::kWchar;
  if (!numeric && !wide_chars) {
    return Status::Error(ErrorClass::kType, ErrorCode::kType,
                         "memview: cannot convert items of format '" + src_format.text +
                             "' to format '" + dst_format.text + "'");
  }
  if (IsEmpty(src)) return Status::Ok();
  const ValueSlot from = SlotCursor(src_format).Next();
  const ValueSlot to = SlotCursor(dst_format).Next();
  // CPython refuses the type, whatever the value.
  if (from.kind == ValueKind::kFloat && IsInteger(to.kind)) {
    return Status::Error(ErrorClass::kType, ErrorCode::kType,
                         "integer argument expected, got float");
  }

  int64_t count = 0;
  ItemCount(src, &count);  // cannot overflow: the caller sized dst
  const int64_t dst_itemsize = dst_format.itemsize;
  const size_t nbytes = static_cast<size_t>(count * dst_itemsize);
  Extent extent;
  ExtentOf(src, &extent);
  const auto src_lo = reinterpret_cast<uintptr_t>(src_base) + extent.lo;
  const auto src_hi = reinterpret_cast<uintptr_t>(src_base) + extent.hi;
  const auto dst_lo = reinterpret_cast<uintptr_t>(dst);
  const bool overlap = dst_lo < src_hi && src_lo < dst_lo + nbytes;

  // Check every value before writing any.
  const bool same = SameRepresentation(src_format, dst_format);
  const uint8_t *origin = src_base + src.origin;
  if (!same && !wide_chars) {
    Fit fit = Fit::kOk;
    ForEachPair(src.ndim, src.shape, origin, src.strides, origin, src.strides,
                [&](const uint8_t *item, const uint8_t *) {
                  fit = CheckFit(DecodeValue(from, item), to, dst_format.native_sizes);
                  return fit == Fit::kOk;
                });
    if (fit != Fit::kOk) return RangeStatus(fit, dst_format, range_class);
  }

  std::unique_ptr<uint8_t[]> temp;
  uint8_t *out = dst;
  if (overlap) {
    temp.reset(new (std::nothrow) uint8_t[nbytes]);
    if (!temp) return NoMemoryError();
    out = temp.get();
  }
  if (same) {
    Gather(src, src_base, 'C', out);
  } else {
    // Pads of the destination items are zero, as struct.pack writes them.
    if (to.size != dst_itemsize) std::memset(out, 0, nbytes);
    uint8_t *item_out = out;
    ForEachPair(src.ndim, src.shape, origin, src.strides, origin, src.strides,
                [&](const uint8_t *item, const uint8_t *) {
                  EncodeValue(to, item_out, DecodeValue(from, item));
                  item_out += dst_itemsize;
                  return true;
                });
  }
  if (overlap) std::memcpy(dst, out, nbytes);
  return Status::Ok();
}

}  // namespace memview
