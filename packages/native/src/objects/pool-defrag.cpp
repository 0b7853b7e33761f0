// Pool::defrag: pmemobj_defrag over PMEMoids stored in the pool. The caller names every location
// holding a pointer to an object it lets move; libpmemobj reallocates objects in runs under half
// full and updates every named location of a moved object in the same redo-logged step, so after a
// crash each pointer names the old or the new copy, never freed memory. Every location is checked
// before libpmemobj sees it (pmemobj_defrag trusts them all): inside the mapping, 8-aligned, 16
// bytes apart from the next, a PMEMoid of this pool naming an allocated (not internal) block.
#include <libpmemobj.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "objects/heap-format.hpp"
#include "objects/pool.hpp"
#include "util/errors.hpp"

namespace pmemts {

Napi::Value Pool::JS_defrag(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RequireOpen(env)) return env.Undefined();
  if (txOwner != nullptr || pmemobj_tx_stage() != TX_STAGE_NONE) {
    return ThrowError(env, ErrorKind::Transaction, "TX_OPEN", "defrag cannot run inside a transaction");
  }
  napi_typedarray_type type;
  size_t count = 0;
  void* data = nullptr;
  napi_value arrayBuffer;
  size_t byteOffset;
  if (info.Length() < 1 || !info[0].IsTypedArray() ||
      napi_get_typedarray_info(env, info[0], &type, &count, &data, &arrayBuffer, &byteOffset) != napi_ok ||
      type != napi_float64_array) {
    return ThrowTypeError(env, "locations must be a Float64Array of pool offsets of PMEMoids");
  }
  const double* values = static_cast<const double*>(data);
  std::vector<uint64_t> locations(count);
  for (size_t i = 0; i < count; i++) {
    double v = values[i];
    if (!(v >= 0) || v != std::floor(v) || v > 9007199254740991.0) {
      return ThrowTypeError(env, "locations[" + std::to_string(i) + "] must be a non-negative integer offset");
    }
    locations[i] = static_cast<uint64_t>(v);
  }
  std::sort(locations.begin(), locations.end());
  std::vector<PMEMoid*> oids;
  oids.reserve(count);
  for (size_t i = 0; i < count; i++) {
    uint64_t at = locations[i];
    const std::string where = "location " + std::to_string(at);
    if (at % 8 != 0) return ThrowError(env, ErrorKind::OutOfBounds, "OUT_OF_BOUNDS", where + " is not 8-byte aligned");
    if (!RequireRange(env, at, sizeof(PMEMoid))) return env.Undefined();
    if (i > 0 && at - locations[i - 1] < sizeof(PMEMoid)) {
      return ThrowError(env, ErrorKind::OutOfBounds, "OUT_OF_BOUNDS", where + " overlaps the PMEMoid at " + std::to_string(locations[i - 1]));
    }
    PMEMoid* oid = reinterpret_cast<PMEMoid*>(Base() + at);
    if (oid->off == 0) continue;  // OID_NULL: nothing to move, as libpmemobj itself skips it
    if (oid->pool_uuid_lo != uuidLo_) {
      return ThrowError(env, ErrorKind::InvalidObject, "INVALID_OBJECT", where + " does not hold a PMEMoid of this pool");
    }
    if (BlockStateAt(Base(), size_, oid->off, heapIndex_) != BlockState::Allocated) {
      return ThrowError(env, ErrorKind::InvalidObject, "INVALID_OBJECT",
                        where + " names offset " + std::to_string(oid->off) + ", which is not a movable live object of this pool");
    }
    oids.push_back(oid);
  }
  pobj_defrag_result result{0, 0};
  errno = 0;
  int rc = oids.empty() ? 0 : pmemobj_defrag(pop_, oids.data(), oids.size(), &result);
  int err = errno;
  heapIndex_.Forget();
  if (rc != 0) {
    // Objects moved before the failure stay moved, each with all its pointers updated.
    return ThrowPmdkError(env, err == ENOMEM ? ErrorKind::OutOfSpace : ErrorKind::Pool, err == ENOMEM ? "OUT_OF_SPACE" : "DEFRAG_FAILED",
                          "pmemobj_defrag (" + std::to_string(result.relocated) + " objects already moved)", err);
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("total", Napi::Number::New(env, static_cast<double>(result.total)));
  out.Set("relocated", Napi::Number::New(env, static_cast<double>(result.relocated)));
  return out;
}

}  // namespace pmemts
