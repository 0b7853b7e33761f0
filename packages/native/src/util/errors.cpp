#include "util/errors.hpp"

#include <libpmemobj.h>

#include <array>

#include "util/addon-data.hpp"

namespace pmemts {
namespace {

// Same order as ErrorKind.
constexpr std::array<const char*, 8> kClassNames = {
    "PmemError", "PoolError", "PoolCorruptError", "PoolClosedError",
    "TransactionError", "OutOfSpaceError", "OutOfBoundsError", "InvalidObjectError",
};

}  // namespace

void InitErrorClasses(Napi::Env env, Napi::Object classes) {
  AddonData* data = GetAddonData(env);
  for (size_t i = 0; i < kClassNames.size(); i++) {
    Napi::Value ctor = classes.Get(kClassNames[i]);
    if (!ctor.IsFunction()) {
      ThrowTypeError(env, std::string("init: errorClasses.") + kClassNames[i] + " is not a class");
      return;
    }
    data->errorCtors[i] = Napi::Persistent(ctor.As<Napi::Function>());
  }
  Napi::Value typeError = classes.Get("TypeError");
  if (typeError.IsFunction()) data->typeErrorCtor = Napi::Persistent(typeError.As<Napi::Function>());
  data->errorsReady = true;
}

Napi::Value ThrowError(Napi::Env env, ErrorKind kind, const char* code, const std::string& message, int err) {
  if (env.IsExceptionPending()) return env.Undefined();
  AddonData* data = GetAddonData(env);
  if (!data->errorsReady) {
    Napi::Error::New(env, message).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Object error = data->errorCtors[static_cast<size_t>(kind)].New(
      {Napi::String::New(env, message), Napi::String::New(env, code), Napi::Number::New(env, err)});
  if (!env.IsExceptionPending()) Napi::Error(env, error).ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value ThrowPmdkError(Napi::Env env, ErrorKind kind, const char* code, const std::string& message, int err) {
  const char* pmdk = pmemobj_errormsg();
  std::string text = message;
  if (pmdk != nullptr && pmdk[0] != '\0') text += std::string(": ") + pmdk;
  return ThrowError(env, kind, code, text, err);
}

Napi::Value ThrowTypeError(Napi::Env env, const std::string& message) {
  if (env.IsExceptionPending()) return env.Undefined();
  AddonData* data = GetAddonData(env);
  if (data->typeErrorCtor.IsEmpty()) {
    Napi::TypeError::New(env, message).ThrowAsJavaScriptException();
  } else {
    Napi::Object error = data->typeErrorCtor.New({Napi::String::New(env, message)});
    if (!env.IsExceptionPending()) Napi::Error(env, error).ThrowAsJavaScriptException();
  }
  return env.Undefined();
}

}  // namespace pmemts
