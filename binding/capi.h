// capi.h — the C API of include/memview.h (API.md §8), one table per env.
//
// Other addons reach memview through a table of function pointers published
// at globalThis[Symbol.for('memview.capi')] (see include/memview.h), never
// through linked symbols. This area builds that table for each env and
// implements it: exports of anything memoryview() accepts (through
// lib/capi.ts's hooks, which resolve objects to views and keep the exported
// views) and MemoryViews over foreign memory whose finalizer runs exactly
// once.
#pragma once

#include <napi.h>

namespace memview {

// capi_publish(getBuffer, releaseBuffer, wrapMemory, registry) (lib/capi.ts, at load),
// capi_memory_arraybuffer(handle, buffer), capi_memory_release(buffer).
void InitCapi(Napi::Env env, Napi::Object exports);

}  // namespace memview
