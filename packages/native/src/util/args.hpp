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

}  // namespace pmemts
