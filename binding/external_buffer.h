// external_buffer.h — external ArrayBuffers that hold a ref on native memory.
//
// Every ArrayBuffer memview hands out over memory it owns (Array blocks, mmap
// pages, C-API memory) holds one ref on that memory, dropped by its finalizer,
// so no JS typed array ever points at freed memory. Creating one can fail, and
// Node 20 may run the finalizer inside the failing call (external memory over
// 4 GiB) or not at all: NewRefArrayBuffer settles that in one place, so a
// failed creation drops the ref exactly once.
#pragma once

#include <napi.h>

#include <cstddef>

namespace memview {

// Drops one ref of `owner` (the memory's refcounted record).
using DropRef = void (*)(napi_env env, void *owner);

// A new external ArrayBuffer over [data, data + len) that owns one ref of
// `owner`: the caller has taken it already. On failure the ref has been
// dropped exactly once (and an exception may be pending). Plain status, so the
// C API can use it without C++ exceptions.
napi_status NewRefArrayBuffer(napi_env env, void *data, size_t len, void *owner, DropRef drop,
                              napi_value *result);

// The same, throwing a Napi::Error on failure.
Napi::ArrayBuffer NewRefArrayBuffer(Napi::Env env, void *data, size_t len, void *owner,
                                    DropRef drop);

}  // namespace memview
