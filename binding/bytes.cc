// bytes.cc — hex, byte swap, count / index (see bytes.h).
//
// The hot loops are written so that GCC vectorises them (fixed-width loads
// through memcpy, no early exit inside a block), and are compiled twice with
// target_clones: a baseline x86-64 version and an AVX2 one, picked at load
// time, so that the prebuilt binary runs on any x86-64.
#include "bytes.h"

#include <cstring>

namespace memview {

namespace {

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MEMVIEW_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define MEMVIEW_SIMD_CLONES
#endif

constexpr char kHexDigits[] = "0123456789abcdef";

char *HexBytes(const uint8_t *data, int64_t n, char *out) {
  for (int64_t i = 0; i < n; ++i) {
    *out++ = kHexDigits[data[i] >> 4];
    *out++ = kHexDigits[data[i] & 0x0f];
  }
  return out;
}

template <typename T>
T Load(const uint8_t *p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

template <typename T>
void Store(uint8_t *p, T v) {
  std::memcpy(p, &v, sizeof(T));
}

// ---- byte swap --------------------------------------------------------------

MEMVIEW_SIMD_CLONES void Swap16(uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; ++i) Store(p + 2 * i, __builtin_bswap16(Load<uint16_t>(p + 2 * i)));
}

MEMVIEW_SIMD_CLONES void Swap32(uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; ++i) Store(p + 4 * i, __builtin_bswap32(Load<uint32_t>(p + 4 * i)));
}

MEMVIEW_SIMD_CLONES void Swap64(uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; ++i) Store(p + 8 * i, __builtin_bswap64(Load<uint64_t>(p + 8 * i)));
}

// ---- count / index ----------------------------------------------------------

// Contiguous items: counts in a counter as wide as the item, so that the
// compiler keeps one lane per item, flushed before it can wrap.
template <typename T>
[[gnu::always_inline]] inline int64_t CountBody(const uint8_t *p, int64_t n, T pattern, T mask) {
  constexpr int64_t kBlock = sizeof(T) == 1 ? 255 : 65535;
  int64_t total = 0;
  for (int64_t i = 0; i < n; i += kBlock) {
    const int64_t end = i + kBlock < n ? i + kBlock : n;
    T count = 0;
    for (int64_t j = i; j < end; ++j) {
      count += static_cast<T>((Load<T>(p + j * sizeof(T)) & mask) == pattern);
    }
    total += count;
  }
  return total;
}

// Contiguous items: tests blocks of 256 bytes without branching, then finds
// the item inside the first block that has one.
template <typename T>
[[gnu::always_inline]] inline int64_t FindBody(const uint8_t *p, int64_t n, T pattern, T mask) {
  constexpr int64_t kBlock = 256 / sizeof(T);
  int64_t i = 0;
  for (; i + kBlock <= n; i += kBlock) {
    T hit = 0;
    for (int64_t j = 0; j < kBlock; ++j) {
      hit |= static_cast<T>((Load<T>(p + (i + j) * sizeof(T)) & mask) == pattern);
    }
    if (hit) break;
  }
  for (; i < n; ++i) {
    if ((Load<T>(p + i * sizeof(T)) & mask) == pattern) return i;
  }
  return -1;
}

MEMVIEW_SIMD_CLONES int64_t Count8(const uint8_t *p, int64_t n, uint8_t pattern, uint8_t mask) {
  return CountBody<uint8_t>(p, n, pattern, mask);
}
MEMVIEW_SIMD_CLONES int64_t Count16(const uint8_t *p, int64_t n, uint16_t pattern, uint16_t mask) {
  return CountBody<uint16_t>(p, n, pattern, mask);
}
MEMVIEW_SIMD_CLONES int64_t Count32(const uint8_t *p, int64_t n, uint32_t pattern, uint32_t mask) {
  return CountBody<uint32_t>(p, n, pattern, mask);
}
MEMVIEW_SIMD_CLONES int64_t Count64(const uint8_t *p, int64_t n, uint64_t pattern, uint64_t mask) {
  return CountBody<uint64_t>(p, n, pattern, mask);
}
MEMVIEW_SIMD_CLONES int64_t Find16(const uint8_t *p, int64_t n, uint16_t pattern, uint16_t mask) {
  return FindBody<uint16_t>(p, n, pattern, mask);
}
MEMVIEW_SIMD_CLONES int64_t Find32(const uint8_t *p, int64_t n, uint32_t pattern, uint32_t mask) {
  return FindBody<uint32_t>(p, n, pattern, mask);
}
MEMVIEW_SIMD_CLONES int64_t Find64(const uint8_t *p, int64_t n, uint64_t pattern, uint64_t mask) {
  return FindBody<uint64_t>(p, n, pattern, mask);
}

int64_t Find8(const uint8_t *p, int64_t n, uint8_t pattern, uint8_t mask) {
  if (mask == 0xff) {
    // glibc's memchr is already vectorised.
    const void *hit = std::memchr(p, pattern, static_cast<size_t>(n));
    return hit == nullptr ? -1 : static_cast<const uint8_t *>(hit) - p;
  }
  for (int64_t i = 0; i < n; ++i) {
    if ((p[i] & mask) == pattern) return i;
  }
  return -1;
}

template <typename T>
int64_t FindContiguous(const uint8_t *p, int64_t n, T pattern, T mask, bool first_only) {
  if constexpr (sizeof(T) == 1) {
    return first_only ? Find8(p, n, pattern, mask) : Count8(p, n, pattern, mask);
  } else if constexpr (sizeof(T) == 2) {
    return first_only ? Find16(p, n, pattern, mask) : Count16(p, n, pattern, mask);
  } else if constexpr (sizeof(T) == 4) {
    return first_only ? Find32(p, n, pattern, mask) : Count32(p, n, pattern, mask);
  } else {
    return first_only ? Find64(p, n, pattern, mask) : Count64(p, n, pattern, mask);
  }
}

// The strided loops step only between items: one stride past the last item
// may lie outside the address space (UB), e.g. one item and a huge stride.
template <typename T>
int64_t FindStrided(const uint8_t *p, int64_t stride, int64_t n, T pattern, T mask,
                    bool first_only) {
  int64_t count = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (i > 0) p += stride;
    if ((Load<T>(p) & mask) == pattern) {
      if (first_only) return i;
      ++count;
    }
  }
  return first_only ? -1 : count;
}

template <typename T>
int64_t FindWidth(const uint8_t *p, int64_t stride, int64_t n, const uint8_t *pattern,
                  const uint8_t *mask, bool first_only) {
  const T pattern_bits = Load<T>(pattern);
  const T mask_bits = mask == nullptr ? static_cast<T>(~T{0}) : Load<T>(mask);
  if (stride == static_cast<int64_t>(sizeof(T)))
    return FindContiguous<T>(p, n, pattern_bits, mask_bits, first_only);
  return FindStrided<T>(p, stride, n, pattern_bits, mask_bits, first_only);
}

bool MatchesAnyWidth(const uint8_t *item, int64_t width, const uint8_t *pattern,
                     const uint8_t *mask) {
  if (mask == nullptr) return std::memcmp(item, pattern, static_cast<size_t>(width)) == 0;
  for (int64_t k = 0; k < width; ++k) {
    if ((item[k] & mask[k]) != pattern[k]) return false;
  }
  return true;
}

}  // namespace

bool HexLength(int64_t n, bool with_sep, int64_t bytes_per_sep, int64_t *length) {
  int64_t separators = 0;
  if (with_sep && bytes_per_sep != 0 && n > 0) {
    const int64_t group = bytes_per_sep < 0 ? -bytes_per_sep : bytes_per_sep;
    separators = (n - 1) / group;
  }
  return !__builtin_mul_overflow(n, int64_t{2}, length) &&
         !__builtin_add_overflow(*length, separators, length);
}

void HexEncode(const uint8_t *data, int64_t n, bool with_sep, char sep, int64_t bytes_per_sep,
               char *out) {
  if (!with_sep || bytes_per_sep == 0 || n == 0) {
    HexBytes(data, n, out);
    return;
  }
  const int64_t group = bytes_per_sep < 0 ? -bytes_per_sep : bytes_per_sep;
  // Grouping from the right leaves the short group first; from the left, last.
  int64_t first = group < n ? group : n;
  if (bytes_per_sep > 0 && n % group != 0) first = n % group;
  out = HexBytes(data, first, out);
  for (int64_t i = first; i < n; i += group) {
    *out++ = sep;
    out = HexBytes(data + i, group < n - i ? group : n - i, out);
  }
}

void ByteSwap(uint8_t *data, size_t nbytes, int itemsize) {
  switch (itemsize) {
    case 2:
      return Swap16(data, nbytes / 2);
    case 4:
      return Swap32(data, nbytes / 4);
    case 8:
      return Swap64(data, nbytes / 8);
    default:
      return;  // one-byte items are their own swap
  }
}

int64_t FindItems(const uint8_t *first, int64_t stride, int64_t width, const uint8_t *pattern,
                  const uint8_t *mask, int64_t start, int64_t stop, bool first_only) {
  if (start >= stop) return first_only ? -1 : 0;
  const uint8_t *p = first + start * stride;
  const int64_t n = stop - start;
  int64_t result;
  switch (width) {
    case 1:
      result = FindWidth<uint8_t>(p, stride, n, pattern, mask, first_only);
      break;
    case 2:
      result = FindWidth<uint16_t>(p, stride, n, pattern, mask, first_only);
      break;
    case 4:
      result = FindWidth<uint32_t>(p, stride, n, pattern, mask, first_only);
      break;
    case 8:
      result = FindWidth<uint64_t>(p, stride, n, pattern, mask, first_only);
      break;
    default: {
      result = first_only ? -1 : 0;
      for (int64_t i = 0; i < n; ++i) {
        if (i > 0) p += stride;
        if (MatchesAnyWidth(p, width, pattern, mask)) {
          if (first_only) {
            result = i;
            break;
          }
          ++result;
        }
      }
      break;
    }
  }
  if (first_only) return result < 0 ? -1 : start + result;
  return result;
}

}  // namespace memview
