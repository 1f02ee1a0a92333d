// fuzz_util.h — shared helpers of the libFuzzer targets (see fuzz/README.md).
//
// The targets link binding/'s pure C++ kernels (format, copy, compare, bytes)
// without Node-API and call them the way binding/view_js.cc does: every
// precondition the glue establishes (CheckLayout on the span, itemsize taken
// from the format, ranges clamped, destinations sized) is established here the
// same way, and nothing more, so that whatever the glue lets through from JS is
// what the fuzzer explores.
#pragma once

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "copy.h"

namespace memview_fuzz {

// A failed invariant: report and abort, so that libFuzzer saves the input.
#define FUZZ_CHECK(cond)                                                                \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

// Heap memory of exactly `n` bytes (never rounded up), so that AddressSanitizer
// reports the first byte read or written past the end. A zero-length span gets
// no allocation at all (its data pointer is null, as N-API reports a detached
// buffer).
struct Memory {
  std::vector<uint8_t> bytes;
  uint8_t *data() { return bytes.empty() ? nullptr : bytes.data(); }
  size_t size() const { return bytes.size(); }
};

inline Memory MakeMemory(FuzzedDataProvider &fdp, size_t max_size) {
  Memory memory;
  memory.bytes.resize(fdp.ConsumeIntegralInRange<size_t>(0, max_size));
  for (uint8_t &b : memory.bytes) b = fdp.ConsumeIntegral<uint8_t>();
  return memory;
}

// Mostly small numbers near the buffer (the interesting cases), sometimes any
// value the glue's ArgInteger lets through (|x| ≤ 2^53 - 1), sometimes extremes.
inline int64_t SmallOrAny(FuzzedDataProvider &fdp, int64_t small_lo, int64_t small_hi) {
  switch (fdp.ConsumeIntegralInRange<int>(0, 7)) {
    case 0:
      return fdp.ConsumeIntegralInRange<int64_t>(-((int64_t{1} << 53) - 1), (int64_t{1} << 53) - 1);
    case 1:
      return fdp.PickValueInArray<int64_t>({(int64_t{1} << 53) - 1, -((int64_t{1} << 53) - 1),
                                            int64_t{1} << 32, (int64_t{1} << 31) - 1,
                                            int64_t{1} << 62, INT64_MAX, INT64_MIN});
    default:
      return fdp.ConsumeIntegralInRange<int64_t>(small_lo, small_hi);
  }
}

// A layout as the glue builds it from JS arguments (ArgLayout): any ndim up to
// 64, any origin, shape and strides; itemsize set by the caller.
inline memview::Layout MakeLayout(FuzzedDataProvider &fdp, int64_t itemsize, size_t span) {
  memview::Layout layout;
  layout.itemsize = itemsize;
  layout.ndim = fdp.ConsumeBool() ? fdp.ConsumeIntegralInRange<int>(0, 4)
                                  : fdp.ConsumeIntegralInRange<int>(0, memview::kMaxDim);
  const int64_t s = static_cast<int64_t>(span);
  // Strides mostly within a few items (any itemsize the glue lets through).
  const int64_t reach = 3 * std::clamp<int64_t>(itemsize, 1, int64_t{1} << 40) + 8;
  layout.origin = SmallOrAny(fdp, -2, s + 2);
  for (int d = 0; d < layout.ndim; ++d) {
    // Most dimensions short (or 1) so that the item count stays small.
    layout.shape[d] = d >= 4 ? fdp.ConsumeIntegralInRange<int64_t>(0, 2) : SmallOrAny(fdp, -1, 9);
    layout.strides[d] = SmallOrAny(fdp, -reach, reach);
  }
  return layout;
}

// As view_js.cc's ItemAddress: item (0, …, 0) of a checked layout, or the
// span's start for a layout without items (whatever its origin).
inline uint8_t *ItemAddress(uint8_t *data, const memview::Layout &layout, int64_t extra = 0) {
  return memview::IsEmpty(layout) ? data : data + layout.origin + extra;
}

// The item count, when it is small enough for a reference implementation.
inline bool SmallCount(const memview::Layout &layout, int64_t limit, int64_t *count) {
  return memview::ItemCount(layout, count) && *count <= limit;
}

// Visits the byte offset (from the span) of every item in C order: the
// obviously correct reference walk the kernels are checked against.
template <typename Fn>
void ForEachItem(const memview::Layout &layout, Fn &&fn) {
  if (memview::IsEmpty(layout)) return;
  int64_t index[memview::kMaxDim] = {};
  for (;;) {
    int64_t offset = layout.origin;
    for (int d = 0; d < layout.ndim; ++d) offset += index[d] * layout.strides[d];
    fn(offset);
    int d = layout.ndim - 1;
    for (; d >= 0; --d) {
      if (++index[d] < layout.shape[d]) break;
      index[d] = 0;
    }
    if (d < 0) return;
  }
}

}  // namespace memview_fuzz
