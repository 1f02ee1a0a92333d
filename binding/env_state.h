// env_state.h — per-env state of the addon.
//
// The addon is context-aware: every env (main thread, each worker) that loads
// it gets its own EnvState as instance data, so there is no global mutable
// state to guard. Freed by Node at env teardown.
#pragma once

#include <napi.h>

namespace memview {

struct EnvState {
  // TypeError too: lib/'s realm's TypeError, so `instanceof TypeError` holds
  // in vm contexts (jest) as it does for errors thrown by lib/ itself.
  Napi::FunctionReference type_error, value_error, index_error, overflow_error, buffer_error,
      not_implemented_error, eof_error, memory_error, struct_error;
};

EnvState &GetEnvState(Napi::Env env);

}  // namespace memview
