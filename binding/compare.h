// compare.h — item values: decoding any field of a compiled Format, equality
// across formats (CPython's memoryview ==) and conversion of items between
// single-value numeric formats (Array.extend(typedArray) in one pass).
//
// A value is decoded as CPython's struct.unpack would produce it, reduced to
// what comparing and converting need: a signed or unsigned 64-bit integer, a
// double, or a byte string. Integers and doubles compare exactly (no lossy
// int → double), NaN equals nothing, bools are 0 / 1. Every function here
// assumes layouts that CheckLayout accepted, and item sizes equal to their
// format's.
#pragma once

#include <cstdint>
#include <vector>

#include "copy.h"
#include "format.h"

namespace memview {

struct Value {
  enum class Type : uint8_t { kSigned, kUnsigned, kFloat, kBytes };
  Type type = Type::kSigned;
  int64_t i = 0;                   // kSigned
  uint64_t u = 0;                  // kUnsigned: also bools (0 / 1) and code points
  double d = 0;                    // kFloat
  const uint8_t *bytes = nullptr;  // kBytes: c, s, and p's content
  int64_t nbytes = 0;
};

// Where one value of an item lives. A format has one slot per value, in order.
struct ValueSlot {
  ValueKind kind;
  bool little_endian;
  int64_t offset;  // from the start of the item
  int64_t size;    // bytes
};

// Walks the value slots of a format in order without materialising them (a
// format like '100000000B' has 10^8 values).
class SlotCursor {
 public:
  explicit SlotCursor(const Format &format) : runs_(&format.runs) {}
  void Reset() {
    run_ = 0;
    index_ = 0;
  }
  // The next slot; call at most nvalues times after a Reset.
  ValueSlot Next() {
    const FieldRun &run = (*runs_)[run_];
    ValueSlot slot{run.kind, run.little_endian, run.offset + index_ * run.size, run.size};
    if (++index_ == run.count) {
      ++run_;
      index_ = 0;
    }
    return slot;
  }

 private:
  const std::vector<FieldRun> *runs_;
  size_t run_ = 0;
  int64_t index_ = 0;
};

Value DecodeValue(const ValueSlot &slot, const uint8_t *item);
bool ValuesEqual(const Value &a, const Value &b);

// IEEE 754 binary16.
double HalfToDouble(uint16_t bits);
// Rounds half to even (CPython's PyFloat_Pack2); false when a finite value is
// too large for a half.
bool DoubleToHalf(double value, uint16_t *bits);

// What the bytes of a float slot (e, f or d, either byte order) must be to
// equal `value` numerically: (bytes & mask) == pattern, over slot.size bytes.
// The mask drops the sign bit for zero (-0 == 0). False when no value of the
// slot's type equals it (NaN, or not exactly representable).
bool FloatSearchPattern(double value, const ValueSlot &slot, uint8_t pattern[8], uint8_t mask[8]);

// CPython's memoryview ==: equal shapes (as CPython's equiv_shape), equal
// value counts, equal values item by item. Never equal when either format has
// a 'w' field.
bool ViewsEqual(const Layout &a, const uint8_t *a_base, const Format &a_format, const Layout &b,
                const uint8_t *b_base, const Format &b_format);

// Writes every item of the src view, in C order, as contiguous items of
// dst_format at `dst` (room for count × dst itemsize bytes). Both formats have
// one value: numeric (b B h H i I l L q Q n N e f d ?) or, to each other
// only, 'u' / 'w'. Every value is checked before anything is written: an
// integer out of range is a `range_class` error (ValueError for views,
// OverflowError for Array), a float into an integer format a TypeError, a
// finite float too large for e (or a standard-size f) an OverflowError. dst
// may overlap src.
Status ConvertItems(uint8_t *dst, const Format &dst_format, const Layout &src,
                    const uint8_t *src_base, const Format &src_format, ErrorClass range_class);

}  // namespace memview
