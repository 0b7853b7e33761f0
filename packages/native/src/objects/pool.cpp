#include "objects/pool.hpp"

#include <libpmem.h>

#include <cerrno>
#include <cstring>

#include "objects/heap-format.hpp"
#include "util/addon-data.hpp"
#include "util/args.hpp"
#include "util/errors.hpp"
#include "util/failpoints.hpp"

namespace pmemts {
namespace {

constexpr uint64_t kMemFlags = PMEM_F_MEM_NODRAIN | PMEM_F_MEM_NONTEMPORAL | PMEM_F_MEM_TEMPORAL |
                               PMEM_F_MEM_WC | PMEM_F_MEM_WB | PMEM_F_MEM_NOFLUSH;

struct CtlEntry {
  const char* name;
  enum { Int, LongLong, Uint64 } type;
  bool writable;
};

// The ctl names the binding knows, with the C type libpmemobj reads/writes for each.
constexpr CtlEntry kCtl[] = {
    {"stats.enabled", CtlEntry::Int, true},
    {"stats.heap.curr_allocated", CtlEntry::Uint64, false},
    {"stats.heap.run_allocated", CtlEntry::Uint64, false},
    {"stats.heap.run_active", CtlEntry::Uint64, false},
    {"prefault.at_open", CtlEntry::Int, true},
    {"prefault.at_create", CtlEntry::Int, true},
    {"tx.cache.size", CtlEntry::LongLong, true},
    {"tx.cache.threshold", CtlEntry::LongLong, true},
    {"tx.post_commit.queue_depth", CtlEntry::Int, true},
    {"heap.size.granularity", CtlEntry::Uint64, true},
};

const CtlEntry* FindCtl(const std::string& name) {
  for (const CtlEntry& e : kCtl) {
    if (name == e.name) return &e;
  }
  return nullptr;
}

}  // namespace

thread_local Pool* Pool::txOwner = nullptr;

Napi::Function Pool::Define(Napi::Env env) {
  Napi::Function ctor = DefineClass(
      env, "NativePool",
      {
          InstanceMethod<&Pool::JS_close>("close"),
          InstanceMethod<&Pool::JS_root>("root"),
          InstanceMethod<&Pool::JS_rootSize>("rootSize"),
          InstanceMethod<&Pool::JS_txBegin>("txBegin"),
          InstanceMethod<&Pool::JS_txAddRange>("txAddRange"),
          InstanceMethod<&Pool::JS_txBeginAddRange>("txBeginAddRange"),
          InstanceMethod<&Pool::JS_txAlloc>("txAlloc"),
          InstanceMethod<&Pool::JS_txBeginAlloc>("txBeginAlloc"),
          InstanceMethod<&Pool::JS_txRealloc>("txRealloc"),
          InstanceMethod<&Pool::JS_txFree>("txFree"),
          InstanceMethod<&Pool::JS_txWriteBatch>("txWriteBatch"),
          InstanceMethod<&Pool::JS_txCommit>("txCommit"),
          InstanceMethod<&Pool::JS_txCommitEnd>("txCommitEnd"),
          InstanceMethod<&Pool::JS_txCommitBatch>("txCommitBatch"),
          InstanceMethod<&Pool::JS_txAbort>("txAbort"),
          InstanceMethod<&Pool::JS_txEnd>("txEnd"),
          InstanceMethod<&Pool::JS_txStage>("txStage"),
          InstanceMethod<&Pool::JS_runBatch>("runBatch"),
          InstanceMethod<&Pool::JS_publishWords>("publishWords"),
          InstanceMethod<&Pool::JS_persist>("persist"),
          InstanceMethod<&Pool::JS_flush>("flush"),
          InstanceMethod<&Pool::JS_drain>("drain"),
          InstanceMethod<&Pool::JS_memcpyPersist>("memcpyPersist"),
          InstanceMethod<&Pool::JS_memsetPersist>("memsetPersist"),
          InstanceMethod<&Pool::JS_first>("first"),
          InstanceMethod<&Pool::JS_next>("next"),
          InstanceMethod<&Pool::JS_typeNum>("typeNum"),
          InstanceMethod<&Pool::JS_usableSize>("usableSize"),
          InstanceMethod<&Pool::JS_isObject>("isObject"),
          InstanceMethod<&Pool::JS_allocationHeader>("allocationHeader"),
          InstanceMethod<&Pool::JS_ctlGet>("ctlGet"),
          InstanceMethod<&Pool::JS_ctlSet>("ctlSet"),
          InstanceMethod<&Pool::JS_defrag>("defrag"),
          InstanceAccessor<&Pool::JS_getPath>("path"),
          InstanceAccessor<&Pool::JS_getSize>("size"),
          InstanceAccessor<&Pool::JS_getIsPmem>("isPmem"),
          InstanceAccessor<&Pool::JS_getUuidLo>("uuidLo"),
          InstanceAccessor<&Pool::JS_getClosed>("closed"),
          InstanceAccessor<&Pool::JS_getBuffer>("buffer"),
          InstanceAccessor<&Pool::JS_getHeapWalks>("heapWalks"),
      });
  GetAddonData(env)->poolCtor = Napi::Persistent(ctor);
  return ctor;
}

// JS code cannot construct a pool: only create()/open() hand one out, through this key.
static int kConstructKey;

Napi::Value Pool::Wrap(Napi::Env env, PMEMobjpool* pop, const std::string& path, uint64_t size) {
  Napi::Object obj = GetAddonData(env)->poolCtor.New({Napi::External<int>::New(env, &kConstructKey)});
  if (env.IsExceptionPending()) {
    pmemobj_close(pop);
    return env.Undefined();
  }
  Pool* self = Unwrap(obj);
  self->pop_ = pop;
  self->path_ = path;
  self->size_ = size;
  self->isPmem_ = pmem_is_pmem(pop, size) != 0;
  // Any address inside the pool maps back to an oid carrying the pool's uuid_lo.
  self->uuidLo_ = pmemobj_oid(reinterpret_cast<char*>(pop) + 4096).pool_uuid_lo;
  self->buffer_ = Napi::Persistent(Napi::ArrayBuffer::New(env, pop, size));
  return obj;
}

Pool::Pool(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Pool>(info) {
  if (info.Length() != 1 || !info[0].IsExternal() || info[0].As<Napi::External<int>>().Data() != &kConstructKey) {
    ThrowTypeError(info.Env(), "NativePool cannot be constructed directly: use create() or open()");
  }
}

void Pool::Finalize(Napi::Env env) {
  if (pop_ == nullptr) return;
  Napi::HandleScope scope(env);
  AbandonTransaction();
  CloseNow();
}

// --- guards -------------------------------------------------------------------------------------

bool Pool::RequireOpen(Napi::Env env) {
  if (pop_ != nullptr) return true;
  ThrowError(env, ErrorKind::PoolClosed, "POOL_CLOSED", "pool " + path_ + " is closed");
  return false;
}

bool Pool::RequireRange(Napi::Env env, uint64_t offset, uint64_t length) {
  if (offset <= size_ && length <= size_ - offset) return true;
  ThrowError(env, ErrorKind::OutOfBounds, "OUT_OF_BOUNDS",
             "range [" + std::to_string(offset) + ", +" + std::to_string(length) + ") is outside the pool (" +
                 std::to_string(size_) + " bytes)");
  return false;
}

bool Pool::RequireTxWork(Napi::Env env, const char* what) {
  if (txOwner != this || pmemobj_tx_stage() != TX_STAGE_WORK) {
    const char* why = txOwner == nullptr ? "no transaction is open"
                      : txOwner != this  ? "the open transaction belongs to another pool"
                                         : "the transaction is no longer in its work stage (it was committed or aborted)";
    ThrowError(env, ErrorKind::Transaction, "TX_NOT_ACTIVE", std::string(what) + ": " + why);
    return false;
  }
  return true;
}

bool Pool::RequireLiveObject(Napi::Env env, uint64_t offset, const char* what) {
  if (IsLive(offset)) return true;
  ThrowError(env, ErrorKind::InvalidObject, "INVALID_OBJECT",
             std::string(what) + ": offset " + std::to_string(offset) + " is not a live object of this pool");
  return false;
}

bool Pool::ReadRange(const Napi::CallbackInfo& info, size_t index, uint64_t& offset, uint64_t& length) {
  return ReadUint(info, index, "offset", offset) && ReadUint(info, index + 1, "length", length) &&
         RequireRange(info.Env(), offset, length);
}

// --- object liveness ----------------------------------------------------------------------------

bool Pool::IsLive(uint64_t offset) {
  if (offset == 0 || offset >= size_) return false;
  auto change = txLive_.find(offset);
  if (change != txLive_.end()) return change->second;
  switch (BlockStateAt(Base(), size_, offset, heapIndex_)) {
    case BlockState::Allocated:
      return true;
    case BlockState::Internal:  // the root is the one internal block that is an object
      return offset == pmemobj_root(pop_, 0).off;
    case BlockState::None:
      return false;
  }
  return false;
}

void Pool::RecordAlloc(uint64_t offset) { txLive_[offset] = true; }

void Pool::RecordFree(uint64_t offset) { txLive_[offset] = false; }

// clear() costs the map's bucket count, which a transaction that allocated thousands of objects left
// large: drop such a table instead of wiping it at the end of every later transaction.
void Pool::SettleTransaction() {
  if (txLive_.bucket_count() > 64) {
    std::unordered_map<uint64_t, bool>().swap(txLive_);
  } else if (!txLive_.empty()) {
    txLive_.clear();
  }
}

void Pool::AbandonTransaction() {
  if (txOwner != this) return;
  while (txDepth_ > 0) {
    if (pmemobj_tx_stage() == TX_STAGE_WORK) pmemobj_tx_abort(ECANCELED);
    pmemobj_tx_end();
    txDepth_--;
  }
  heapIndex_.Forget();
  SettleTransaction();
  txOwner = nullptr;
}

// --- lifetime -----------------------------------------------------------------------------------

void Pool::CloseNow() {
  buffer_.Value().Detach();
  buffer_.Reset();
  pmemobj_close(pop_);
  pop_ = nullptr;
}

Napi::Value Pool::JS_close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RequireOpen(env)) return env.Undefined();
  if (txOwner == this) {
    return ThrowError(env, ErrorKind::Transaction, "TX_OPEN", "cannot close a pool inside its open transaction");
  }
  CloseNow();
  return env.Undefined();
}

Napi::Value Pool::JS_root(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t size;
  if (!RequireOpen(env) || !ReadUint(info, 0, "size", size)) return env.Undefined();
  if (size == 0 || size > kMaxAllocSize) {
    return ThrowError(env, ErrorKind::OutOfBounds, "OUT_OF_BOUNDS", "root size must be between 1 and PMEMOBJ_MAX_ALLOC_SIZE");
  }
  if (txOwner != nullptr) {
    // pmemobj_root allocates atomically and must not run inside a transaction.
    return ThrowError(env, ErrorKind::Transaction, "TX_OPEN", "root() cannot allocate inside a transaction");
  }
  errno = 0;
  PMEMoid root = pmemobj_root(pop_, size);
  heapIndex_.Forget();
  if (OID_IS_NULL(root)) {
    int err = errno;
    return ThrowPmdkError(env, err == ENOMEM ? ErrorKind::OutOfSpace : ErrorKind::Pool,
                          err == ENOMEM ? "OUT_OF_SPACE" : "ROOT_FAILED", "pmemobj_root", err);
  }
  return Napi::Number::New(env, static_cast<double>(root.off));
}

Napi::Value Pool::JS_rootSize(const Napi::CallbackInfo& info) {
  if (!RequireOpen(info.Env())) return info.Env().Undefined();
  return Napi::Number::New(info.Env(), static_cast<double>(pmemobj_root_size(pop_)));
}

// --- persistence outside transactions -------------------------------------------------------------

Napi::Value Pool::JS_persist(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t offset, length;
  if (!RequireOpen(env) || !ReadRange(info, 0, offset, length)) return env.Undefined();
  pmemobj_persist(pop_, Base() + offset, length);
  return env.Undefined();
}

Napi::Value Pool::JS_flush(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t offset, length;
  if (!RequireOpen(env) || !ReadRange(info, 0, offset, length)) return env.Undefined();
  pmemobj_flush(pop_, Base() + offset, length);
  return env.Undefined();
}

Napi::Value Pool::JS_drain(const Napi::CallbackInfo& info) {
  if (!RequireOpen(info.Env())) return info.Env().Undefined();
  pmemobj_drain(pop_);
  return info.Env().Undefined();
}

Napi::Value Pool::JS_memcpyPersist(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t offset, flags;
  if (!RequireOpen(env) || !ReadUint(info, 0, "offset", offset)) return env.Undefined();
  void* source;
  size_t length;
  if (!ReadTypedArray(env, info[1], napi_uint8_array, source, length)) return ThrowTypeError(env, "source must be a Uint8Array");
  if (!ReadOptionalUint(info, 2, "flags", 0, flags)) return env.Undefined();
  if ((flags & ~kMemFlags) != 0) return ThrowTypeError(env, "flags: unknown PMEM_F_MEM flag");
  if (!RequireRange(env, offset, length)) return env.Undefined();
  pmemobj_memcpy(pop_, Base() + offset, source, length, static_cast<unsigned>(flags));
  return env.Undefined();
}

Napi::Value Pool::JS_memsetPersist(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t offset, byte, length, flags;
  if (!RequireOpen(env) || !ReadUint(info, 0, "offset", offset) || !ReadUint(info, 1, "byte", byte) ||
      !ReadUint(info, 2, "length", length) || !ReadOptionalUint(info, 3, "flags", 0, flags)) {
    return env.Undefined();
  }
  if (byte > 255) return ThrowTypeError(env, "byte must be between 0 and 255");
  if ((flags & ~kMemFlags) != 0) return ThrowTypeError(env, "flags: unknown PMEM_F_MEM flag");
  if (!RequireRange(env, offset, length)) return env.Undefined();
  pmemobj_memset(pop_, Base() + offset, static_cast<int>(byte), length, static_cast<unsigned>(flags));
  return env.Undefined();
}

// --- objects ------------------------------------------------------------------------------------

// Walks from `oid` (inclusive) to the first object with `typeNum` (any type when filter is false).
static uint64_t SeekType(PMEMoid oid, bool filter, uint64_t typeNum) {
  while (!OID_IS_NULL(oid) && filter && pmemobj_type_num(oid) != typeNum) oid = pmemobj_next(oid);
  return OID_IS_NULL(oid) ? 0 : oid.off;
}

Napi::Value Pool::JS_first(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  bool filter = info.Length() > 0 && !info[0].IsUndefined();
  uint64_t typeNum = 0;
  if (!RequireOpen(env) || (filter && !ReadUint(info, 0, "typeNum", typeNum))) return env.Undefined();
  return Napi::Number::New(env, static_cast<double>(SeekType(pmemobj_first(pop_), filter, typeNum)));
}

Napi::Value Pool::JS_next(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t offset, typeNum = 0;
  bool filter = info.Length() > 1 && !info[1].IsUndefined();
  if (!RequireOpen(env) || !ReadUint(info, 0, "offset", offset) || (filter && !ReadUint(info, 1, "typeNum", typeNum))) {
    return env.Undefined();
  }
  if (!RequireLiveObject(env, offset, "next")) return env.Undefined();
  return Napi::Number::New(env, static_cast<double>(SeekType(pmemobj_next(Oid(offset)), filter, typeNum)));
}

Napi::Value Pool::JS_typeNum(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t offset;
  if (!RequireOpen(env) || !ReadUint(info, 0, "offset", offset) || !RequireLiveObject(env, offset, "typeNum")) {
    return env.Undefined();
  }
  return Napi::Number::New(env, static_cast<double>(pmemobj_type_num(Oid(offset))));
}

Napi::Value Pool::JS_usableSize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t offset;
  if (!RequireOpen(env) || !ReadUint(info, 0, "offset", offset) || !RequireLiveObject(env, offset, "usableSize")) {
    return env.Undefined();
  }
  return Napi::Number::New(env, static_cast<double>(pmemobj_alloc_usable_size(Oid(offset))));
}

Napi::Value Pool::JS_isObject(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t offset;
  if (!RequireOpen(env) || !ReadUint(info, 0, "offset", offset)) return env.Undefined();
  return Napi::Boolean::New(env, IsLive(offset));
}

Napi::Value Pool::JS_allocationHeader(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t offset;
  if (!RequireOpen(env) || !ReadUint(info, 0, "offset", offset)) return env.Undefined();
  AllocationHeader header;
  if (!ReadAllocationHeader(Base(), size_, offset, header)) return env.Null();
  Napi::Object result = Napi::Object::New(env);
  result.Set("typeNum", Napi::Number::New(env, static_cast<double>(header.typeNum)));
  result.Set("usableSize", Napi::Number::New(env, static_cast<double>(header.usableSize)));
  return result;
}

// --- ctl ----------------------------------------------------------------------------------------

Napi::Value Pool::JS_ctlGet(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name;
  if (!RequireOpen(env) || !ReadString(info, 0, "name", name)) return env.Undefined();
  const CtlEntry* entry = FindCtl(name);
  if (entry == nullptr) return ThrowTypeError(env, "ctlGet: unknown ctl name '" + name + "'");
  double value = 0;
  int r;
  switch (entry->type) {
    case CtlEntry::Int: {
      int v = 0;
      r = pmemobj_ctl_get(pop_, entry->name, &v);
      value = v;
      break;
    }
    case CtlEntry::LongLong: {
      long long v = 0;
      r = pmemobj_ctl_get(pop_, entry->name, &v);
      value = static_cast<double>(v);
      break;
    }
    default: {
      uint64_t v = 0;
      r = pmemobj_ctl_get(pop_, entry->name, &v);
      value = static_cast<double>(v);
      break;
    }
  }
  if (r != 0) return ThrowPmdkError(env, ErrorKind::Pool, "CTL_FAILED", "pmemobj_ctl_get " + name, errno);
  return Napi::Number::New(env, value);
}

Napi::Value Pool::JS_ctlSet(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name;
  uint64_t value;
  if (!RequireOpen(env) || !ReadString(info, 0, "name", name) || !ReadUint(info, 1, "value", value)) {
    return env.Undefined();
  }
  const CtlEntry* entry = FindCtl(name);
  if (entry == nullptr) return ThrowTypeError(env, "ctlSet: unknown ctl name '" + name + "'");
  if (!entry->writable) return ThrowTypeError(env, "ctlSet: '" + name + "' is read-only");
  int r;
  switch (entry->type) {
    case CtlEntry::Int: {
      if (value > 0x7fffffff) return ThrowTypeError(env, "ctlSet: value out of range for " + name);
      int v = static_cast<int>(value);
      r = pmemobj_ctl_set(pop_, entry->name, &v);
      break;
    }
    case CtlEntry::LongLong: {
      long long v = static_cast<long long>(value);
      r = pmemobj_ctl_set(pop_, entry->name, &v);
      break;
    }
    default: {
      uint64_t v = value;
      r = pmemobj_ctl_set(pop_, entry->name, &v);
      break;
    }
  }
  heapIndex_.Forget();  // heap.size.granularity may let the heap grow
  if (r != 0) return ThrowPmdkError(env, ErrorKind::Pool, "CTL_FAILED", "pmemobj_ctl_set " + name, errno);
  return env.Undefined();
}

// --- accessors ----------------------------------------------------------------------------------

Napi::Value Pool::JS_getPath(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), path_); }
Napi::Value Pool::JS_getSize(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(size_)); }
Napi::Value Pool::JS_getIsPmem(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), isPmem_); }
Napi::Value Pool::JS_getUuidLo(const Napi::CallbackInfo& info) { return Napi::BigInt::New(info.Env(), uuidLo_); }
// Liveness reads the heap format directly, so no handle walks the heap for it any more.
Napi::Value Pool::JS_getHeapWalks(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), 0); }
Napi::Value Pool::JS_getClosed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), pop_ == nullptr); }

Napi::Value Pool::JS_getBuffer(const Napi::CallbackInfo& info) {
  if (!RequireOpen(info.Env())) return info.Env().Undefined();
  return buffer_.Value();
}

}  // namespace pmemts
