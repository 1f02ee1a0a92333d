// copy.h — strided views of memory, checked, and the bulk copies between them.
//
// A kernel never sees an ArrayBuffer: it sees a Span (the bytes of one JS
// DataView, as N-API reports them right now) and a Layout inside it (PEP 3118
// shape and strides, in bytes, with the origin of item (0, …, 0)). Every
// kernel calls CheckLayout before touching memory: it proves, with checked
// arithmetic, that every byte the layout reaches lies inside the span. The
// copies below assume a checked layout and never fail; the ones that can
// (temporaries, sizes) return a Status.
//
// Owner: every strided gather / scatter / assign of the addon lives here, so
// that the fast paths (dimension collapsing, contiguous runs as one memcpy,
// cache-blocked transposes) exist once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "status.h"

namespace memview {

// CPython's limit (PyBUF_MAX_NDIM).
inline constexpr int kMaxDim = 64;

inline constexpr const char *kDetachedMessage =
    "memoryview: underlying buffer is detached or out of bounds";

// The bytes of one DataView: length 0 once its buffer is detached or shrank.
struct Span {
  uint8_t *data = nullptr;
  size_t length = 0;
};

// A strided view inside a span. `origin` is the byte offset of item (0, …, 0)
// from span.data; strides are bytes and may be negative or zero.
struct Layout {
  int ndim = 0;
  int64_t itemsize = 1;
  int64_t origin = 0;
  int64_t shape[kMaxDim] = {};
  int64_t strides[kMaxDim] = {};
};

// `count` items of `itemsize` bytes one after another from byte `origin`.
inline Layout ContiguousRun(int64_t origin, int64_t count, int64_t itemsize) {
  Layout layout;
  layout.ndim = 1;
  layout.itemsize = itemsize;
  layout.origin = origin;
  layout.shape[0] = count;
  layout.strides[0] = itemsize;
  return layout;
}

// The byte range [lo, hi) of a span that a layout's items occupy (offsets
// from span.data). Empty (lo == hi) when some dimension is 0.
struct Extent {
  int64_t lo = 0;
  int64_t hi = 0;
};

inline Status DetachedError() {
  return Status::Error(ErrorClass::kValue, ErrorCode::kDetached, kDetachedMessage);
}
inline Status NoMemoryError() {
  return Status::Error(ErrorClass::kMemory, ErrorCode::kNoMemory, "memview: out of memory");
}

// Validates a layout against a span's current length: 0 ≤ ndim ≤ 64,
// itemsize ≥ 1, shape entries ≥ 0 (ValueError, ERR_MEMVIEW_SHAPE) and, unless
// the view is empty, every byte it reaches inside [0, span_length)
// (ValueError, ERR_MEMVIEW_DETACHED). All arithmetic is overflow-checked.
Status CheckLayout(const Layout &layout, size_t span_length, Extent *extent);

// The extent of a layout; false when computing it overflows int64 (such a
// layout lies inside no span). CheckLayout reports the same extent.
bool ExtentOf(const Layout &layout, Extent *extent);

// True when some dimension is 0: no item, no byte touched.
bool IsEmpty(const Layout &layout);

// Product of the shape; false when it overflows int64.
bool ItemCount(const Layout &layout, int64_t *count);

// count × itemsize as a byte size ≤ kMaxSafeSize, else MemoryError.
Status ByteSize(const Layout &layout, int64_t *nbytes);

// PEP 3118 contiguity, as CPython's PyBuffer_IsContiguous (empty views are both).
bool IsCContiguous(const Layout &layout);
bool IsFContiguous(const Layout &layout);

// Copies every item of an n-D index space from src to dst, in C order of the
// index. Both sides must be checked and must not overlap.
void StridedCopy(int ndim, const int64_t *shape, int64_t itemsize, uint8_t *dst,
                 const int64_t *dst_strides, const uint8_t *src, const int64_t *src_strides);

// Gathers the items of a checked layout (inside `base`) into `out` in C ('C')
// or Fortran ('F') order; `out` holds count × itemsize bytes and does not
// overlap the view.
void Gather(const Layout &layout, const uint8_t *base, char order, uint8_t *out);

// The inverse: writes C-ordered contiguous items from `in` into the layout.
void Scatter(const Layout &layout, uint8_t *base, const uint8_t *in);

// Copies src's items into dst item by item (equal shapes, equal item sizes,
// both checked). Overlapping memory goes through a temporary; the only
// failure is MemoryError for that temporary, before anything is written.
Status Assign(const Layout &dst, uint8_t *dst_base, const Layout &src, const uint8_t *src_base);

// Visits every index of an n-D space in C order with a pointer into each of
// two layouts: fn(a, b) returns false to stop. Returns false when stopped.
template <typename Fn>
bool ForEachPair(int ndim, const int64_t *shape, const uint8_t *a, const int64_t *a_strides,
                 const uint8_t *b, const int64_t *b_strides, Fn &&fn) {
  for (int d = 0; d < ndim; ++d) {
    if (shape[d] == 0) return true;
  }
  if (ndim == 0) return fn(a, b);
  const int inner = ndim - 1;
  const int64_t n = shape[inner];
  const int64_t sa = a_strides[inner];
  const int64_t sb = b_strides[inner];
  int64_t index[kMaxDim] = {};
  for (;;) {
    // Steps only between items: a pointer one stride past the last item may
    // lie outside the address space (UB), e.g. shape 1 with a huge stride.
    const uint8_t *pa = a;
    const uint8_t *pb = b;
    for (int64_t i = 0;;) {
      if (!fn(pa, pb)) return false;
      if (++i == n) break;
      pa += sa;
      pb += sb;
    }
    // Odometer over the outer dimensions.
    int d = inner - 1;
    for (; d >= 0; --d) {
      if (++index[d] < shape[d]) {
        a += a_strides[d];
        b += b_strides[d];
        break;
      }
      index[d] = 0;
      a -= a_strides[d] * (shape[d] - 1);
      b -= b_strides[d] * (shape[d] - 1);
    }
    if (d < 0) return true;
  }
}

}  // namespace memview
