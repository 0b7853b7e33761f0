// The single module entry: init(errorClasses), create, open, version. Everything else hangs off Pool.
#include <libpmemobj.h>
#include <napi.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <cstdio>

#include <cerrno>

#include "objects/pool.hpp"
#include "util/args.hpp"
#include "util/errors.hpp"
#include "util/failpoints.hpp"

namespace pmemts {
namespace {

// Size of the mapping: a single-file pool maps the whole file.
// The mapped size: a regular file's length, or for a character device (device DAX, whose st_size is 0)
// the size sysfs gives, where libpmem reads it too. ENODEV when a device's size cannot be read.
bool FileSize(const std::string& path, uint64_t& size) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return false;
  if (!S_ISCHR(st.st_mode)) {
    size = static_cast<uint64_t>(st.st_size);
    return true;
  }
  char sysfs[96];
  snprintf(sysfs, sizeof sysfs, "/sys/dev/char/%u:%u/size", major(st.st_rdev), minor(st.st_rdev));
  FILE* file = fopen(sysfs, "r");
  unsigned long long bytes = 0;
  bool ok = file != nullptr && fscanf(file, "%llu", &bytes) == 1 && bytes > 0;
  if (file != nullptr) fclose(file);
  if (!ok) {
    errno = ENODEV;
    return false;
  }
  size = bytes;
  return true;
}

// Open/create failures carry errno and PMDK's text; the JS side maps errno to the precise error class.
Napi::Value ThrowOpenError(Napi::Env env, const char* call, int err) {
  return ThrowPmdkError(env, ErrorKind::Pool, "POOL_OPEN_FAILED", call, err);
}

Napi::Value JS_init(const Napi::CallbackInfo& info) {
  if (!info[0].IsObject()) return ThrowTypeError(info.Env(), "init: errorClasses must be an object");
  InitErrorClasses(info.Env(), info[0].As<Napi::Object>());
  return info.Env().Undefined();
}

Napi::Value JS_create(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path, layout;
  uint64_t size, mode;
  if (!ReadString(info, 0, "path", path) || !ReadString(info, 1, "layout", layout) || !ReadUint(info, 2, "size", size) ||
      !ReadUint(info, 3, "mode", mode)) {
    return env.Undefined();
  }
  errno = 0;
  PMEMobjpool* pop = pmemobj_create(path.c_str(), layout.c_str(), size, static_cast<mode_t>(mode));
  if (pop == nullptr) return ThrowOpenError(env, "pmemobj_create", errno);
  uint64_t mapped = size;
  if (!FileSize(path, mapped)) {
    int err = errno;
    pmemobj_close(pop);
    return ThrowOpenError(env, "stat", err);
  }
  return Pool::Wrap(env, pop, path, mapped);
}

Napi::Value JS_open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path, layout;
  if (!ReadString(info, 0, "path", path) || !ReadString(info, 1, "layout", layout)) return env.Undefined();
  errno = 0;
  PMEMobjpool* pop = pmemobj_open(path.c_str(), layout.c_str());
  if (pop == nullptr) return ThrowOpenError(env, "pmemobj_open", errno);
  uint64_t mapped = 0;
  if (!FileSize(path, mapped)) {
    int err = errno;
    pmemobj_close(pop);
    return ThrowOpenError(env, "stat", err);
  }
  return Pool::Wrap(env, pop, path, mapped);
}

Napi::Value JS_version(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object v = Napi::Object::New(env);
  v.Set("major", PMEMOBJ_MAJOR_VERSION);
  v.Set("minor", PMEMOBJ_MINOR_VERSION);
  // libpmemobj exposes its API version (2.4 for PMDK 1.12), not the package version; a NULL check
  // result means the loaded library provides at least the API we were compiled against.
  const char* mismatch = pmemobj_check_version(PMEMOBJ_MAJOR_VERSION, PMEMOBJ_MINOR_VERSION);
  v.Set("text", std::string("libpmemobj API ") + std::to_string(PMEMOBJ_MAJOR_VERSION) + "." +
                    std::to_string(PMEMOBJ_MINOR_VERSION) + (mismatch ? std::string(" (") + mismatch + ")" : ""));
  return v;
}

// libpmemobj's limits, taken from its headers at build time so the JS constants cannot drift from them.
Napi::Object Limits(Napi::Env env) {
  Napi::Object limits = Napi::Object::New(env);
  limits.Set("maxAllocSize", Napi::Number::New(env, static_cast<double>(PMEMOBJ_MAX_ALLOC_SIZE)));
  limits.Set("minPoolSize", Napi::Number::New(env, static_cast<double>(PMEMOBJ_MIN_POOL)));
  limits.Set("maxLayoutLength", Napi::Number::New(env, static_cast<double>(PMEMOBJ_MAX_LAYOUT)));
  limits.Set("maxPublishWords", Napi::Number::New(env, static_cast<double>(kMaxPublishWords)));
  return limits;
}

#ifdef PMEMTS_FAILPOINTS
// setFailpoint(kind, nth, sticky) / setFailpoint() to clear. Only in the test build.
Napi::Value JS_setFailpoint(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() == 0 || info[0].IsUndefined()) {
    ClearFailpoints();
    return env.Undefined();
  }
  std::string kind;
  uint64_t nth;
  if (!ReadString(info, 0, "kind", kind) || !ReadUint(info, 1, "nth", nth)) return env.Undefined();
  static const char* const kinds[] = {"begin", "addRange", "alloc", "free", "copy", "publish"};
  for (int i = 0; i < static_cast<int>(Failpoint::Count); i++) {
    if (kind == kinds[i]) {
      ArmFailpoint(static_cast<Failpoint>(i), nth, info[2].ToBoolean().Value());
      return env.Undefined();
    }
  }
  return ThrowTypeError(env, "kind must be one of begin, addRange, alloc, free, copy, publish");
}
#endif

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  Pool::Define(env);
  exports.Set("init", Napi::Function::New<JS_init>(env, "init"));
  exports.Set("create", Napi::Function::New<JS_create>(env, "create"));
  exports.Set("open", Napi::Function::New<JS_open>(env, "open"));
  exports.Set("version", Napi::Function::New<JS_version>(env, "version"));
  exports.Set("limits", Limits(env));
#ifdef PMEMTS_FAILPOINTS
  exports.Set("setFailpoint", Napi::Function::New<JS_setFailpoint>(env, "setFailpoint"));
#endif
  return exports;
}

}  // namespace
}  // namespace pmemts

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return pmemts::Init(env, exports); }

NODE_API_MODULE(pmemts_native, InitModule)
