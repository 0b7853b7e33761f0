// Throws the JS error classes handed to the addon at init (packages/native/src/errors.ts), each with a
// string `code`, an `errno` and, for PMDK failures, pmemobj_errormsg(). No C++ exceptions cross N-API.
#pragma once
#include <napi.h>

namespace pmemts {

enum class ErrorKind {
  Pmem,
  Pool,
  PoolCorrupt,
  PoolClosed,
  Transaction,
  OutOfSpace,
  OutOfBounds,
  InvalidObject,
};

// Stores the constructors from the JS `errorClasses` object in the addon's instance data.
void InitErrorClasses(Napi::Env env, Napi::Object classes);

// Throws `kind` unless an exception is already pending. Always returns undefined for easy `return`.
Napi::Value ThrowError(Napi::Env env, ErrorKind kind, const char* code, const std::string& message, int err = 0);

// Same, appending ": <pmemobj_errormsg()>" and taking errno as it is now.
Napi::Value ThrowPmdkError(Napi::Env env, ErrorKind kind, const char* code, const std::string& message, int err);

Napi::Value ThrowTypeError(Napi::Env env, const std::string& message);

}  // namespace pmemts
