// view_js.h — N-API glue for the bulk view kernels (copy, compare, bytes).
//
// Exports view_tobytes, view_assign, view_equals, view_hex, view_find,
// view_find_float, view_convert and bytes_swap. Each takes its memory as
// DataViews over exactly a view's byte extent plus numbers (origin, shape,
// strides in bytes, itemsize or a format handle from format_compile), checks
// everything, then calls one kernel (see view_js.cc for the signatures).
#pragma once

#include <napi.h>

namespace memview {

void InitView(Napi::Env env, Napi::Object exports);

}  // namespace memview
