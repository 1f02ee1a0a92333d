#include "errors.h"

#include "env_state.h"

namespace memview {

const char *ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kReleased:
      return "ERR_MEMVIEW_RELEASED";
    case ErrorCode::kDetached:
      return "ERR_MEMVIEW_DETACHED";
    case ErrorCode::kReadonly:
      return "ERR_MEMVIEW_READONLY";
    case ErrorCode::kExported:
      return "ERR_MEMVIEW_EXPORTED";
    case ErrorCode::kFormat:
      return "ERR_MEMVIEW_FORMAT";
    case ErrorCode::kType:
      return "ERR_MEMVIEW_TYPE";
    case ErrorCode::kValue:
      return "ERR_MEMVIEW_VALUE";
    case ErrorCode::kIndex:
      return "ERR_MEMVIEW_INDEX";
    case ErrorCode::kShape:
      return "ERR_MEMVIEW_SHAPE";
    case ErrorCode::kContiguity:
      return "ERR_MEMVIEW_CONTIGUITY";
    case ErrorCode::kNotImplemented:
      return "ERR_MEMVIEW_NOT_IMPLEMENTED";
    case ErrorCode::kNoMemory:
      return "ERR_MEMVIEW_NO_MEMORY";
    case ErrorCode::kEof:
      return "ERR_MEMVIEW_EOF";
    case ErrorCode::kStruct:
      return "ERR_MEMVIEW_STRUCT";
    case ErrorCode::kCapi:
      return "ERR_MEMVIEW_CAPI";
  }
  return "ERR_MEMVIEW_VALUE";
}

static Napi::FunctionReference *ClassFor(EnvState &state, ErrorClass cls) {
  switch (cls) {
    case ErrorClass::kValue:
      return &state.value_error;
    case ErrorClass::kIndex:
      return &state.index_error;
    case ErrorClass::kOverflow:
      return &state.overflow_error;
    case ErrorClass::kBuffer:
      return &state.buffer_error;
    case ErrorClass::kNotImplemented:
      return &state.not_implemented_error;
    case ErrorClass::kEOF:
      return &state.eof_error;
    case ErrorClass::kMemory:
      return &state.memory_error;
    case ErrorClass::kStruct:
      return &state.struct_error;
    case ErrorClass::kType:
      return &state.type_error;
  }
  return nullptr;
}

Napi::Error MakeError(Napi::Env env, const Status &status) {
  Napi::FunctionReference *ctor = ClassFor(GetEnvState(env), status.cls);
  Napi::Object error;
  if (ctor == nullptr || ctor->IsEmpty()) {
    // A class not registered yet (only while lib/ loads): the env's own.
    error = status.cls == ErrorClass::kType ? Napi::TypeError::New(env, status.message).Value()
                                            : Napi::RangeError::New(env, status.message).Value();
  } else {
    error = ctor->New({Napi::String::New(env, status.message)});
  }
  error.Set("code", Napi::String::New(env, ErrorCodeName(status.code)));
  return Napi::Error(env, error);
}

void ThrowStatus(Napi::Env env, const Status &status) {
  throw MakeError(env, status);
}

void Throw(Napi::Env env, ErrorClass cls, ErrorCode code, const std::string &message) {
  ThrowStatus(env, Status::Error(cls, code, message));
}

void RegisterErrorClasses(Napi::Env env, Napi::Object classes) {
  EnvState &state = GetEnvState(env);
  auto take = [&](Napi::FunctionReference &slot, const char *name) {
    Napi::Value value = classes.Get(name);
    if (!value.IsFunction()) {
      throw Napi::TypeError::New(env, std::string("memview: missing error class ") + name);
    }
    slot = Napi::Persistent(value.As<Napi::Function>());
  };
  take(state.type_error, "TypeError");
  take(state.value_error, "ValueError");
  take(state.index_error, "IndexError");
  take(state.overflow_error, "OverflowError");
  take(state.buffer_error, "BufferError");
  take(state.not_implemented_error, "NotImplementedError");
  take(state.eof_error, "EOFError");
  take(state.memory_error, "MemoryError");
  take(state.struct_error, "StructError");
}

}  // namespace memview
