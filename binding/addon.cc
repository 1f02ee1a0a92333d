// addon.cc — module init only: per-env state, exports of every area.
//
// Context-aware (NAPI_MODULE_INIT): each env that loads memview (main thread,
// every worker) gets its own EnvState, so the addon keeps no global mutable
// state.
#include <napi.h>

#include "capi.h"
#include "env_state.h"
#include "errors.h"
#include "format_js.h"
#include "mmap.h"
#include "storage.h"
#include "view_js.h"

namespace memview {

EnvState &GetEnvState(Napi::Env env) {
  return *env.GetInstanceData<EnvState>();
}

namespace {

Napi::Value SetErrorClasses(const Napi::CallbackInfo &info) {
  if (info.Length() < 1 || !info[0].IsObject()) {
    Throw(info.Env(), ErrorClass::kType, ErrorCode::kType, "errors_register(classes)");
  }
  RegisterErrorClasses(info.Env(), info[0].As<Napi::Object>());
  return info.Env().Undefined();
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new EnvState());
  exports.Set("errors_register", Napi::Function::New(env, SetErrorClasses, "errors_register"));
  InitFormat(env, exports);
  InitView(env, exports);
  InitStorage(env, exports);
  InitCapi(env, exports);
  InitMmap(env, exports);
  return exports;
}

}  // namespace memview

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  return memview::Init(env, exports);
}

NODE_API_MODULE(memview, InitModule)
