// format_table.h — the only table of per-code facts.
//
// Every fact about a struct/array code (sizes, alignment, what kind of JS
// value it reads as, where it may appear) lives here and nowhere else: the
// format compiler reads it, and lib/ learns everything it needs from the
// compiled fields (kind, size, byte order) rather than from a table of its own.
#pragma once

#include <cstddef>
#include <cstdint>

namespace memview {

// What an item of a code is, as JS sees it (API.md §1). lib/layout.ts builds
// its accessors by (kind, size, byte order).
enum class ValueKind : uint8_t {
  kPad,      // x: no value
  kInt,      // b h i: number, signed
  kUInt,     // B H I: number, unsigned
  kBigInt,   // l q n: bigint, signed
  kBigUInt,  // L Q N: bigint, unsigned
  kPointer,  // P: bigint, unsigned; also accepts -1 on write
  kFloat,    // e f d: number
  kBool,     // ?: boolean
  kChar,     // c: Buffer of length 1
  kBytes,    // s: Buffer of `count` bytes
  kPascal,   // p: Pascal string in `count` bytes
  kWchar,    // u w: one code point (Array only; unreadable in views)
};

// Where a code may appear.
enum CodeUse : uint8_t {
  kInStruct = 1,    // struct formats and view formats
  kNativeOnly = 2,  // only with native sizes ('@' or no prefix): n N P
  kInArray = 4,     // an Array typecode
};

struct CodeInfo {
  char code;
  ValueKind kind;
  uint8_t native_size;
  uint8_t native_align;
  uint8_t standard_size;  // 0 where there is no standard size (native-only codes)
  uint8_t use;            // CodeUse bits
};

inline constexpr CodeInfo kCodeTable[] = {
    {'x', ValueKind::kPad, 1, 1, 1, kInStruct},
    {'c', ValueKind::kChar, 1, 1, 1, kInStruct},
    {'b', ValueKind::kInt, 1, 1, 1, kInStruct | kInArray},
    {'B', ValueKind::kUInt, 1, 1, 1, kInStruct | kInArray},
    {'?', ValueKind::kBool, sizeof(bool), alignof(bool), 1, kInStruct},
    {'h', ValueKind::kInt, sizeof(short), alignof(short), 2, kInStruct | kInArray},
    {'H', ValueKind::kUInt, sizeof(short), alignof(short), 2, kInStruct | kInArray},
    {'i', ValueKind::kInt, sizeof(int), alignof(int), 4, kInStruct | kInArray},
    {'I', ValueKind::kUInt, sizeof(int), alignof(int), 4, kInStruct | kInArray},
    {'l', ValueKind::kBigInt, sizeof(long), alignof(long), 4, kInStruct | kInArray},
    {'L', ValueKind::kBigUInt, sizeof(long), alignof(long), 4, kInStruct | kInArray},
    {'q', ValueKind::kBigInt, sizeof(long long), alignof(long long), 8, kInStruct | kInArray},
    {'Q', ValueKind::kBigUInt, sizeof(long long), alignof(long long), 8, kInStruct | kInArray},
    {'n', ValueKind::kBigInt, sizeof(ptrdiff_t), alignof(ptrdiff_t), 0, kInStruct | kNativeOnly},
    {'N', ValueKind::kBigUInt, sizeof(size_t), alignof(size_t), 0, kInStruct | kNativeOnly},
    {'e', ValueKind::kFloat, 2, 2, 2, kInStruct},
    {'f', ValueKind::kFloat, sizeof(float), alignof(float), 4, kInStruct | kInArray},
    {'d', ValueKind::kFloat, sizeof(double), alignof(double), 8, kInStruct | kInArray},
    {'s', ValueKind::kBytes, 1, 1, 1, kInStruct},
    {'p', ValueKind::kPascal, 1, 1, 1, kInStruct},
    {'P', ValueKind::kPointer, sizeof(void *), alignof(void *), 0, kInStruct | kNativeOnly},
    // wchar_t is 4 bytes on Linux; 'w' is Py_UCS4. Neither is a struct code.
    {'u', ValueKind::kWchar, sizeof(wchar_t), alignof(wchar_t), 0, kInArray},
    {'w', ValueKind::kWchar, 4, 4, 0, kInArray},
};

inline const CodeInfo *FindCode(char code) {
  for (const CodeInfo &info : kCodeTable) {
    if (info.code == code) return &info;
  }
  return nullptr;
}

inline const char *ValueKindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kPad:
      return "pad";
    case ValueKind::kInt:
      return "int";
    case ValueKind::kUInt:
      return "uint";
    case ValueKind::kBigInt:
      return "bigint";
    case ValueKind::kBigUInt:
      return "biguint";
    case ValueKind::kPointer:
      return "pointer";
    case ValueKind::kFloat:
      return "float";
    case ValueKind::kBool:
      return "bool";
    case ValueKind::kChar:
      return "char";
    case ValueKind::kBytes:
      return "bytes";
    case ValueKind::kPascal:
      return "pascal";
    case ValueKind::kWchar:
      return "wchar";
  }
  return "pad";
}

inline constexpr bool kHostLittleEndian = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

}  // namespace memview
