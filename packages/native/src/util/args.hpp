// Reads JS arguments as the integers libpmemobj takes; on a bad value throws a TypeError naming the
// argument and returns false, so callers `return env.Undefined()` at once.
#pragma once
#include <napi.h>

#include <cstdint>

namespace pmemts {

// A non-negative integer that a double represents exactly (<= 2^53 - 1).
bool ReadUint(const Napi::CallbackInfo& info, size_t index, const char* name, uint64_t& out);

// Like ReadUint, but an absent/undefined argument gives `fallback`.
bool ReadOptionalUint(const Napi::CallbackInfo& info, size_t index, const char* name, uint64_t fallback, uint64_t& out);

// A non-empty string without NUL characters.
bool ReadString(const Napi::CallbackInfo& info, size_t index, const char* name, std::string& out);

// A typed array of type `want`: its data and element count, with one napi_get_typedarray_info (each
// node-addon-api wrapper step would ask V8 again: that cost more than a small persist). Does not throw.
bool ReadTypedArray(Napi::Env env, napi_value value, napi_typedarray_type want, void*& data, size_t& length);

}  // namespace pmemts
