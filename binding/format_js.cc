// format_js.cc — N-API glue for the format compiler.
//
// format_compile(text, mode) returns the compiled format as a plain object for
// lib/layout.ts to build accessors from, with a `handle` (a type-tagged
// External owning the C++ Format) that lib/ passes back to every kernel so
// that nothing is parsed twice.
#include "format_js.h"

#include <memory>

namespace memview {

namespace {

// Distinguishes our Format externals from any other External.
constexpr napi_type_tag kFormatTag = {0x6d656d7669657746ULL, 0x6f726d61745f7631ULL};

Napi::Value FormatCompile(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsNumber()) {
    Throw(env, ErrorClass::kType, ErrorCode::kType, "format_compile(text, mode)");
  }
  const std::string text = info[0].As<Napi::String>().Utf8Value();
  const int mode_number = info[1].As<Napi::Number>().Int32Value();
  if (mode_number < 0 || mode_number > 2)
    Throw(env, ErrorClass::kType, ErrorCode::kType, "bad format mode");
  if (text.find('\0') != std::string::npos) {
    Throw(env, mode_number == 0 ? ErrorClass::kStruct : ErrorClass::kValue, ErrorCode::kFormat,
          "embedded null character");
  }
  auto format = std::make_unique<Format>();
  Status status = CompileFormat(text, static_cast<FormatMode>(mode_number), format.get());
  if (!status.ok) ThrowStatus(env, status);

  Napi::Object result = Napi::Object::New(env);
  result.Set("format", info[0]);
  result.Set("itemsize", Napi::Number::New(env, static_cast<double>(format->itemsize)));
  result.Set("alignment", Napi::Number::New(env, static_cast<double>(format->alignment)));
  result.Set("nvalues", Napi::Number::New(env, static_cast<double>(format->nvalues)));
  result.Set("byteOrder", Napi::String::New(env, std::string(1, format->byte_order)));
  result.Set("nativeSizes", Napi::Boolean::New(env, format->native_sizes));
  result.Set("byteFormat", Napi::Boolean::New(env, format->IsByteFormat()));
  result.Set("nativeSingle", Napi::Boolean::New(env, format->IsNativeSingle()));
  Napi::Array runs = Napi::Array::New(env, format->runs.size());
  for (size_t i = 0; i < format->runs.size(); ++i) {
    const FieldRun &run = format->runs[i];
    Napi::Object field = Napi::Object::New(env);
    field.Set("code", Napi::String::New(env, std::string(1, run.code)));
    field.Set("kind", Napi::String::New(env, ValueKindName(run.kind)));
    field.Set("littleEndian", Napi::Boolean::New(env, run.little_endian));
    field.Set("offset", Napi::Number::New(env, static_cast<double>(run.offset)));
    field.Set("size", Napi::Number::New(env, static_cast<double>(run.size)));
    field.Set("count", Napi::Number::New(env, static_cast<double>(run.count)));
    runs.Set(static_cast<uint32_t>(i), field);
  }
  result.Set("fields", runs);
  Format *raw = format.release();
  auto handle = Napi::External<Format>::New(env, raw, [](Napi::Env, Format *f) { delete f; });
  handle.TypeTag(&kFormatTag);
  result.Set("handle", handle);
  return result;
}

Napi::Value FormatSameItems(const Napi::CallbackInfo &info) {
  return Napi::Boolean::New(info.Env(), SameItems(UnwrapFormat(info[0]), UnwrapFormat(info[1])));
}

}  // namespace

const Format &UnwrapFormat(Napi::Value value) {
  Napi::Env env = value.Env();
  if (!value.IsExternal() || !value.As<Napi::Object>().CheckTypeTag(&kFormatTag)) {
    Throw(env, ErrorClass::kType, ErrorCode::kType, "memview: expected a compiled format handle");
  }
  return *value.As<Napi::External<Format>>().Data();
}

void InitFormat(Napi::Env env, Napi::Object exports) {
  exports.Set("format_compile", Napi::Function::New(env, FormatCompile, "format_compile"));
  exports.Set("format_same_items", Napi::Function::New(env, FormatSameItems, "format_same_items"));
}

}  // namespace memview
