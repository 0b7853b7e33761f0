#include "util/args.hpp"

#include <cmath>

#include "util/errors.hpp"

namespace pmemts {

static constexpr double kMaxSafe = 9007199254740991.0;

bool ReadUint(const Napi::CallbackInfo& info, size_t index, const char* name, uint64_t& out) {
  // One N-API call: napi_get_value_double itself refuses a non-number (IsNumber + DoubleValue would be two).
  double d;
  if (napi_get_value_double(info.Env(), info[index], &d) != napi_ok) {
    ThrowTypeError(info.Env(), std::string(name) + " must be a number");
    return false;
  }
  if (!(d >= 0) || d > kMaxSafe || std::floor(d) != d) {
    ThrowTypeError(info.Env(), std::string(name) + " must be a non-negative safe integer");
    return false;
  }
  out = static_cast<uint64_t>(d);
  return true;
}

bool ReadOptionalUint(const Napi::CallbackInfo& info, size_t index, const char* name, uint64_t fallback, uint64_t& out) {
  if (index >= info.Length() || info[index].IsUndefined()) {
    out = fallback;
    return true;
  }
  return ReadUint(info, index, name, out);
}

bool ReadString(const Napi::CallbackInfo& info, size_t index, const char* name, std::string& out) {
  Napi::Value v = info[index];
  if (!v.IsString()) {
    ThrowTypeError(info.Env(), std::string(name) + " must be a string");
    return false;
  }
  out = v.As<Napi::String>().Utf8Value();
  if (out.empty() || out.find('\0') != std::string::npos) {
    ThrowTypeError(info.Env(), std::string(name) + " must be a non-empty string without NUL characters");
    return false;
  }
  return true;
}

bool ReadTypedArray(Napi::Env env, napi_value value, napi_typedarray_type want, void*& data, size_t& length) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  return napi_get_typedarray_info(env, value, &type, &length, &data, &buffer, &offset) == napi_ok && type == want;
}

}  // namespace pmemts
