// format_js.h — N-API glue for the format compiler (see format_js.cc).
#pragma once

#include <napi.h>

#include "errors.h"
#include "format.h"

namespace memview {

// The Format behind a handle from format_compile; TypeError for anything else.
const Format &UnwrapFormat(Napi::Value value);

void InitFormat(Napi::Env env, Napi::Object exports);

}  // namespace memview
