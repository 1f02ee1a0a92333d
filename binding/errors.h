// errors.h — the one place where a failure becomes a JavaScript error.
//
// Kernels (format, copy, compare, pack) never throw: they return a Status
// (status.h) that says which API.md §7 class and code apply and carries
// CPython's wording. The N-API glue calls ThrowStatus(), which builds the JS
// error from the classes that lib/errors.ts registered at load time (per env,
// so worker threads each get their own).
#pragma once

#include <napi.h>

#include <string>

#include "status.h"

namespace memview {

const char *ErrorCodeName(ErrorCode code);

// Builds the JS error for a failed status (never call with an ok one).
Napi::Error MakeError(Napi::Env env, const Status &status);

// Throws (as a C++ exception that node-addon-api rethrows into JS).
[[noreturn]] void ThrowStatus(Napi::Env env, const Status &status);
[[noreturn]] void Throw(Napi::Env env, ErrorClass cls, ErrorCode code, const std::string &message);

// Called once per env by lib/errors.ts with {ValueError, IndexError, ...}.
void RegisterErrorClasses(Napi::Env env, Napi::Object classes);

}  // namespace memview
