// cxx_check.cc — memview.h from C++ (-std=c++17 -Wall -Wextra -Werror -pedantic),
// in a second translation unit, without the per-thread table cache (every
// call reads the table from globalThis again). memview's own binding/capi.cc
// compiles the C++ cache.
#define MEMVIEW_NO_CACHE
#include <memview.h>

// cxxNbytes(obj): len of a simple (C-contiguous, bytes) export.
extern "C" napi_value CxxNbytes(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 1) {
    napi_throw_type_error(env, nullptr, "cxxNbytes(obj)");
    return nullptr;
  }
  memview_buffer view;
  if (memview_get_buffer(env, argv[0], &view, MEMVIEW_BUF_SIMPLE) != 0) return nullptr;
  const double nbytes = static_cast<double>(view.len);
  memview_release_buffer(env, &view);
  napi_value result = nullptr;
  napi_create_double(env, nbytes, &result);
  return result;
}
