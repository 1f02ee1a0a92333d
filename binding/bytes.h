// bytes.h — byte-level kernels: hex encoding (bytes.hex), in-place byte swap
// (Array.byteswap) and count / index of one item pattern in a 1-D view.
//
// They work on raw pointers that the N-API glue has already checked against
// its spans (copy.h, CheckLayout); none of them allocates or fails.
#pragma once

#include <cstddef>
#include <cstdint>

namespace memview {

// Length of bytes.hex(sep, bytes_per_sep) for n bytes: 2n, plus one separator
// per group boundary when `with_sep` and bytes_per_sep != 0. False when it
// overflows int64. |bytes_per_sep| ≤ 2^53 - 1 (a JS integer).
bool HexLength(int64_t n, bool with_sep, int64_t bytes_per_sep, int64_t *length);

// Writes HexLength characters (lowercase, ASCII) to `out`. As CPython:
// bytes_per_sep > 0 groups from the right (the first group may be short),
// < 0 from the left.
void HexEncode(const uint8_t *data, int64_t n, bool with_sep, char sep, int64_t bytes_per_sep,
               char *out);

// Reverses the bytes of every `itemsize`-byte item (1, 2, 4 or 8) of
// [data, data + nbytes); nbytes is a multiple of itemsize.
void ByteSwap(uint8_t *data, size_t nbytes, int itemsize);

// Items i in [start, stop) of a 1-D view (item 0 at `first`, `stride` bytes
// apart, 0 ≤ start ≤ stop ≤ length) whose `width` bytes b satisfy
// (b & mask) == pattern, bytewise. `mask` may be null (all ones); a mask is
// how one search finds both +0 and -0 (the sign bit masked off).
// Returns the number of such items, or with first_only the index of the
// first one (-1 if none).
int64_t FindItems(const uint8_t *first, int64_t stride, int64_t width, const uint8_t *pattern,
                  const uint8_t *mask, int64_t start, int64_t stop, bool first_only);

}  // namespace memview
