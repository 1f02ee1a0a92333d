// copy.cc — checked layouts and strided copies (see copy.h).
//
// Every copy goes through StridedCopy: it first simplifies the index space
// (drops dimensions of extent 1, merges neighbours that both sides step
// through as one), then picks a kernel for the innermost one or two
// dimensions — one memcpy for a run contiguous on both sides, a typed
// element loop for item sizes 1/2/4/8, or a cache-blocked 2-D copy when one
// side walks its inner dimension across larger strides than its outer one
// (a transpose, e.g. toBytes('F') of a C-contiguous matrix) — and an
// odometer over the remaining dimensions.
#include "copy.h"

#include <memory>
#include <new>

#include "format.h"

namespace memview {

namespace {

Status ShapeError(const char *message) {
  return Status::Error(ErrorClass::kValue, ErrorCode::kShape, message);
}

// A copy's index space after simplification. Every dimension has extent ≥ 2.
struct CopyPlan {
  int ndim = 0;
  int64_t shape[kMaxDim];
  int64_t dst[kMaxDim];
  int64_t src[kMaxDim];
};

// True when an outer dimension steps exactly over a whole inner one.
bool Mergeable(int64_t outer_stride, int64_t inner_shape, int64_t inner_stride) {
  int64_t product = 0;
  return !__builtin_mul_overflow(inner_shape, inner_stride, &product) && product == outer_stride;
}

CopyPlan Simplify(int ndim, const int64_t *shape, const int64_t *dst, const int64_t *src) {
  CopyPlan plan;
  for (int d = 0; d < ndim; ++d) {
    if (shape[d] == 1) continue;
    if (plan.ndim > 0) {
      const int last = plan.ndim - 1;
      int64_t merged = 0;
      if (Mergeable(plan.dst[last], shape[d], dst[d]) &&
          Mergeable(plan.src[last], shape[d], src[d]) &&
          !__builtin_mul_overflow(plan.shape[last], shape[d], &merged)) {
        plan.shape[last] = merged;
        plan.dst[last] = dst[d];
        plan.src[last] = src[d];
        continue;
      }
    }
    plan.shape[plan.ndim] = shape[d];
    plan.dst[plan.ndim] = dst[d];
    plan.src[plan.ndim] = src[d];
    ++plan.ndim;
  }
  return plan;
}

int64_t Abs(int64_t x) {
  return x < 0 ? -x : x;
}

// One dimension, items of a fixed size: loads and stores the compiler turns
// into single moves.
template <typename T>
void CopyLine(uint8_t *dst, int64_t dst_stride, const uint8_t *src, int64_t src_stride, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    T value;
    std::memcpy(&value, src, sizeof(T));
    std::memcpy(dst, &value, sizeof(T));
    dst += dst_stride;
    src += src_stride;
  }
}

void CopyLineAnySize(uint8_t *dst, int64_t dst_stride, const uint8_t *src, int64_t src_stride,
                     int64_t n, int64_t itemsize) {
  for (int64_t i = 0; i < n; ++i) {
    std::memcpy(dst, src, static_cast<size_t>(itemsize));
    dst += dst_stride;
    src += src_stride;
  }
}

void CopyInner(uint8_t *dst, int64_t dst_stride, const uint8_t *src, int64_t src_stride, int64_t n,
               int64_t itemsize) {
  if (dst_stride == itemsize && src_stride == itemsize) {
    std::memcpy(dst, src, static_cast<size_t>(n * itemsize));
    return;
  }
  switch (itemsize) {
    case 1:
      return CopyLine<uint8_t>(dst, dst_stride, src, src_stride, n);
    case 2:
      return CopyLine<uint16_t>(dst, dst_stride, src, src_stride, n);
    case 4:
      return CopyLine<uint32_t>(dst, dst_stride, src, src_stride, n);
    case 8:
      return CopyLine<uint64_t>(dst, dst_stride, src, src_stride, n);
    default:
      return CopyLineAnySize(dst, dst_stride, src, src_stride, n, itemsize);
  }
}

// Two dimensions in square tiles, so that both the lines read and the lines
// written stay in L1 while a tile is copied. A 32 × 32 tile of doubles is
// 8 KiB per side; tiles are visited in the destination's order.
template <typename T>
void CopyTiled(uint8_t *dst, const int64_t *dst_strides, const uint8_t *src,
               const int64_t *src_strides, const int64_t *shape) {
  constexpr int64_t kTile = sizeof(T) >= 4 ? 32 : 64;
  const int64_t n0 = shape[0];
  const int64_t n1 = shape[1];
  for (int64_t i0 = 0; i0 < n0; i0 += kTile) {
    const int64_t i1 = i0 + kTile < n0 ? i0 + kTile : n0;
    for (int64_t j0 = 0; j0 < n1; j0 += kTile) {
      const int64_t j1 = j0 + kTile < n1 ? j0 + kTile : n1;
      for (int64_t i = i0; i < i1; ++i) {
        CopyLine<T>(dst + i * dst_strides[0] + j0 * dst_strides[1], dst_strides[1],
                    src + i * src_strides[0] + j0 * src_strides[1], src_strides[1], j1 - j0);
      }
    }
  }
}

bool TiledCopies(int64_t itemsize) {
  return itemsize == 1 || itemsize == 2 || itemsize == 4 || itemsize == 8;
}

void CopyTiledAnySize(uint8_t *dst, const int64_t *dst_strides, const uint8_t *src,
                      const int64_t *src_strides, const int64_t *shape, int64_t itemsize) {
  switch (itemsize) {
    case 1:
      return CopyTiled<uint8_t>(dst, dst_strides, src, src_strides, shape);
    case 2:
      return CopyTiled<uint16_t>(dst, dst_strides, src, src_strides, shape);
    case 4:
      return CopyTiled<uint32_t>(dst, dst_strides, src, src_strides, shape);
    default:
      return CopyTiled<uint64_t>(dst, dst_strides, src, src_strides, shape);
  }
}

}  // namespace

bool ExtentOf(const Layout &layout, Extent *extent) {
  if (IsEmpty(layout)) {
    *extent = Extent{layout.origin, layout.origin};
    return true;
  }
  int64_t lo = layout.origin;
  int64_t hi = layout.origin;
  for (int d = 0; d < layout.ndim; ++d) {
    int64_t delta = 0;
    if (__builtin_mul_overflow(layout.shape[d] - 1, layout.strides[d], &delta)) return false;
    if (delta < 0 ? __builtin_add_overflow(lo, delta, &lo) : __builtin_add_overflow(hi, delta, &hi))
      return false;
  }
  if (__builtin_add_overflow(hi, layout.itemsize, &hi)) return false;
  *extent = Extent{lo, hi};
  return true;
}

bool IsEmpty(const Layout &layout) {
  for (int d = 0; d < layout.ndim; ++d) {
    if (layout.shape[d] == 0) return true;
  }
  return false;
}

Status CheckLayout(const Layout &layout, size_t span_length, Extent *extent) {
  if (layout.ndim < 0 || layout.ndim > kMaxDim)
    return ShapeError("memoryview: number of dimensions must not exceed 64");
  if (layout.itemsize < 1) return ShapeError("memoryview: itemsize must be positive");
  for (int d = 0; d < layout.ndim; ++d) {
    if (layout.shape[d] < 0) return ShapeError("memoryview: shape entries must be non-negative");
  }
  Extent e;
  if (!ExtentOf(layout, &e)) return DetachedError();
  if (e.lo < e.hi && (e.lo < 0 || static_cast<uint64_t>(e.hi) > span_length))
    return DetachedError();
  if (extent != nullptr) *extent = e;
  return Status::Ok();
}

bool ItemCount(const Layout &layout, int64_t *count) {
  if (IsEmpty(layout)) {
    *count = 0;
    return true;
  }
  int64_t n = 1;
  for (int d = 0; d < layout.ndim; ++d) {
    if (__builtin_mul_overflow(n, layout.shape[d], &n)) return false;
  }
  *count = n;
  return true;
}

Status ByteSize(const Layout &layout, int64_t *nbytes) {
  int64_t count = 0;
  if (!ItemCount(layout, &count) || __builtin_mul_overflow(count, layout.itemsize, nbytes) ||
      *nbytes > kMaxSafeSize) {
    return NoMemoryError();
  }
  return Status::Ok();
}

bool IsCContiguous(const Layout &layout) {
  if (IsEmpty(layout)) return true;
  int64_t expected = layout.itemsize;
  for (int d = layout.ndim - 1; d >= 0; --d) {
    if (layout.shape[d] > 1 && layout.strides[d] != expected) return false;
    // An overflowing product can only be the last one of a contiguous view;
    // saturate so that any further stride fails to match it.
    if (__builtin_mul_overflow(expected, layout.shape[d], &expected)) expected = INT64_MAX;
  }
  return true;
}

bool IsFContiguous(const Layout &layout) {
  if (IsEmpty(layout)) return true;
  int64_t expected = layout.itemsize;
  for (int d = 0; d < layout.ndim; ++d) {
    if (layout.shape[d] > 1 && layout.strides[d] != expected) return false;
    if (__builtin_mul_overflow(expected, layout.shape[d], &expected)) expected = INT64_MAX;
  }
  return true;
}

void StridedCopy(int ndim, const int64_t *shape, int64_t itemsize, uint8_t *dst,
                 const int64_t *dst_strides, const uint8_t *src, const int64_t *src_strides) {
  for (int d = 0; d < ndim; ++d) {
    if (shape[d] == 0) return;
  }
  const CopyPlan plan = Simplify(ndim, shape, dst_strides, src_strides);
  if (plan.ndim == 0) {
    std::memcpy(dst, src, static_cast<size_t>(itemsize));
    return;
  }
  // The innermost one or two dimensions go to a kernel; the rest to the odometer.
  const int last = plan.ndim - 1;
  const bool inner_contiguous = plan.dst[last] == itemsize && plan.src[last] == itemsize;
  const bool tiled = plan.ndim >= 2 && !inner_contiguous && TiledCopies(itemsize) &&
                     (Abs(plan.src[last]) > Abs(plan.src[last - 1]) ||
                      Abs(plan.dst[last]) > Abs(plan.dst[last - 1]));
  const int outer = tiled ? plan.ndim - 2 : plan.ndim - 1;
  int64_t index[kMaxDim] = {};
  for (;;) {
    if (tiled) {
      CopyTiledAnySize(dst, plan.dst + outer, src, plan.src + outer, plan.shape + outer, itemsize);
    } else {
      CopyInner(dst, plan.dst[last], src, plan.src[last], plan.shape[last], itemsize);
    }
    int d = outer - 1;
    for (; d >= 0; --d) {
      if (++index[d] < plan.shape[d]) {
        dst += plan.dst[d];
        src += plan.src[d];
        break;
      }
      index[d] = 0;
      dst -= plan.dst[d] * (plan.shape[d] - 1);
      src -= plan.src[d] * (plan.shape[d] - 1);
    }
    if (d < 0) return;
  }
}

void Gather(const Layout &layout, const uint8_t *base, char order, uint8_t *out) {
  if (IsEmpty(layout)) return;
  // Fortran order is C order over the reversed dimensions.
  int64_t shape[kMaxDim];
  int64_t src_strides[kMaxDim];
  int64_t dst_strides[kMaxDim];
  const int n = layout.ndim;
  for (int i = 0; i < n; ++i) {
    const int from = order == 'F' ? n - 1 - i : i;
    shape[i] = layout.shape[from];
    src_strides[i] = layout.strides[from];
  }
  // The caller sized `out`, so these products do not overflow.
  int64_t step = layout.itemsize;
  for (int i = n - 1; i >= 0; --i) {
    dst_strides[i] = step;
    step *= shape[i];
  }
  StridedCopy(n, shape, layout.itemsize, out, dst_strides, base + layout.origin, src_strides);
}

void Scatter(const Layout &layout, uint8_t *base, const uint8_t *in) {
  if (IsEmpty(layout)) return;
  int64_t src_strides[kMaxDim];
  int64_t step = layout.itemsize;
  for (int i = layout.ndim - 1; i >= 0; --i) {
    src_strides[i] = step;
    step *= layout.shape[i];
  }
  StridedCopy(layout.ndim, layout.shape, layout.itemsize, base + layout.origin, layout.strides, in,
              src_strides);
}

Status Assign(const Layout &dst, uint8_t *dst_base, const Layout &src, const uint8_t *src_base) {
  if (IsEmpty(dst)) return Status::Ok();
  Extent de;
  Extent se;
  if (!ExtentOf(dst, &de) || !ExtentOf(src, &se)) return DetachedError();
  uint8_t *d = dst_base + dst.origin;
  const uint8_t *s = src_base + src.origin;
  // Raw address ranges: two DataViews may share one buffer.
  const auto dst_lo = reinterpret_cast<uintptr_t>(dst_base) + de.lo;
  const auto dst_hi = reinterpret_cast<uintptr_t>(dst_base) + de.hi;
  const auto src_lo = reinterpret_cast<uintptr_t>(src_base) + se.lo;
  const auto src_hi = reinterpret_cast<uintptr_t>(src_base) + se.hi;
  if (dst_hi <= src_lo || src_hi <= dst_lo) {
    StridedCopy(dst.ndim, dst.shape, dst.itemsize, d, dst.strides, s, src.strides);
    return Status::Ok();
  }
  // Overlapping. One contiguous run on both sides (m[1:] = m[:-1]) is a memmove.
  const CopyPlan plan = Simplify(dst.ndim, dst.shape, dst.strides, src.strides);
  if (plan.ndim == 0) {
    std::memmove(d, s, static_cast<size_t>(dst.itemsize));
    return Status::Ok();
  }
  if (plan.ndim == 1 && plan.dst[0] == dst.itemsize && plan.src[0] == dst.itemsize) {
    std::memmove(d, s, static_cast<size_t>(plan.shape[0] * dst.itemsize));
    return Status::Ok();
  }
  // Anything else through a C-ordered temporary of src's items.
  int64_t nbytes = 0;
  Status status = ByteSize(src, &nbytes);
  if (!status.ok) return status;
  std::unique_ptr<uint8_t[]> temp(new (std::nothrow) uint8_t[static_cast<size_t>(nbytes)]);
  if (!temp) return NoMemoryError();
  Gather(src, src_base, 'C', temp.get());
  Scatter(dst, dst_base, temp.get());
  return Status::Ok();
}

}  // namespace memview
