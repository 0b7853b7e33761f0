// Pool's transaction methods: libpmemobj's undo-log transaction (begin, snapshot, alloc, free, commit,
// abort, end), the batch forms that do a whole commit's writes in one call, and the action API's redo
// commit (publishWords). Each fused form (txBeginAddRange, txBeginAlloc, txCommitEnd, txCommitBatch)
// is exactly its parts in sequence, and when a later part fails it ends the level it began, so a
// caller never has to learn which part failed to know whether a transaction is still open.
#include <cerrno>
#include <cstring>

#include "objects/pool.hpp"
#include "util/args.hpp"
#include "util/errors.hpp"
#include "util/failpoints.hpp"

namespace pmemts {
namespace {

constexpr uint64_t kXAddFlags = POBJ_XADD_NO_FLUSH | POBJ_XADD_NO_SNAPSHOT | POBJ_XADD_ASSUME_INITIALIZED;
constexpr uint64_t kXAllocFlags = POBJ_XALLOC_ZERO | POBJ_XALLOC_NO_FLUSH;

ErrorKind TxErrorKind(int err) { return err == ENOMEM ? ErrorKind::OutOfSpace : ErrorKind::Transaction; }
const char* TxErrorCode(int err) { return err == ENOMEM ? "OUT_OF_SPACE" : "TX_FAILED"; }

}  // namespace

bool Pool::BeginLevel(Napi::Env env, const char* what) {
  if (txOwner != nullptr && txOwner != this) {
    ThrowError(env, ErrorKind::Transaction, "TX_OTHER_POOL",
               "a transaction of another pool is open on this thread; libpmemobj cannot nest across pools");
    return false;
  }
  if (txOwner == this && pmemobj_tx_stage() != TX_STAGE_WORK) {
    ThrowError(env, ErrorKind::Transaction, "TX_NOT_ACTIVE",
               std::string(what) + ": the open transaction was already committed or aborted; end it first");
    return false;
  }
  if (FailpointHit(Failpoint::Begin)) {
    ThrowError(env, ErrorKind::OutOfSpace, "OUT_OF_SPACE", "pmemobj_tx_begin: failpoint", ENOMEM);
    return false;
  }
  // No jmp_buf: libpmemobj never longjmps across V8 frames; failures come back as return codes.
  if (pmemobj_tx_begin(pop_, nullptr, TX_PARAM_NONE) != 0) {
    int err = errno;
    // A failed begin leaves the transaction in ONABORT; it still has to be ended.
    pmemobj_tx_end();
    if (txDepth_ == 0) txOwner = nullptr;
    ThrowPmdkError(env, TxErrorKind(err), TxErrorCode(err), "pmemobj_tx_begin", err);
    return false;
  }
  pmemobj_tx_set_failure_behavior(POBJ_TX_FAILURE_RETURN);
  txOwner = this;
  txDepth_++;
  return true;
}

int Pool::EndLevel() {
  int err = pmemobj_tx_end();
  heapIndex_.Forget();
  txDepth_--;
  if (txDepth_ == 0) {
    SettleTransaction();
    txOwner = nullptr;
  }
  return err;
}

void Pool::AbortLevel(int err) {
  if (pmemobj_tx_stage() == TX_STAGE_WORK) pmemobj_tx_abort(err);
  EndLevel();
}

Napi::Value Pool::JS_txBegin(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RequireOpen(env)) return env.Undefined();
  BeginLevel(env, "txBegin");
  return env.Undefined();
}

bool Pool::ValidateAddRange(const Napi::CallbackInfo& info, uint64_t& offset, uint64_t& length, uint64_t& flags) {
  Napi::Env env = info.Env();
  if (!RequireOpen(env) || !ReadRange(info, 0, offset, length) || !ReadOptionalUint(info, 2, "flags", 0, flags)) return false;
  if ((flags & ~kXAddFlags) != 0) {
    ThrowTypeError(env, "flags: unknown POBJ_XADD flag");
    return false;
  }
  if (length == 0) {
    ThrowError(env, ErrorKind::OutOfBounds, "OUT_OF_BOUNDS", "snapshot length must be positive");
    return false;
  }
  return true;
}

bool Pool::AddRange(Napi::Env env, uint64_t offset, uint64_t length, uint64_t flags) {
  if (FailpointHit(Failpoint::AddRange)) {
    ThrowError(env, ErrorKind::OutOfSpace, "OUT_OF_SPACE", "pmemobj_tx_xadd_range: failpoint", ENOMEM);
    return false;
  }
  int added = pmemobj_tx_xadd_range_direct(Base() + offset, length, flags);
  heapIndex_.Forget();  // a longer undo log is allocated from the heap
  if (added != 0) {
    int err = errno;
    ThrowPmdkError(env, TxErrorKind(err), TxErrorCode(err), "pmemobj_tx_xadd_range", err);
    return false;
  }
  return true;
}

Napi::Value Pool::JS_txAddRange(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t offset, length, flags;
  if (!ValidateAddRange(info, offset, length, flags) || !RequireTxWork(env, "txAddRange")) return env.Undefined();
  AddRange(env, offset, length, flags);
  return env.Undefined();
}

// The first snapshot of a write-through transaction opens it: one crossing instead of two.
Napi::Value Pool::JS_txBeginAddRange(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t offset, length, flags;
  if (!ValidateAddRange(info, offset, length, flags) || !BeginLevel(env, "txBeginAddRange")) return env.Undefined();
  if (!AddRange(env, offset, length, flags)) AbortLevel(ECANCELED);
  return env.Undefined();
}

bool Pool::ValidateAlloc(const Napi::CallbackInfo& info, uint64_t& size, uint64_t& typeNum, uint64_t& flags) {
  Napi::Env env = info.Env();
  if (!RequireOpen(env) || !ReadUint(info, 0, "size", size) || !ReadUint(info, 1, "typeNum", typeNum) ||
      !ReadOptionalUint(info, 2, "flags", 0, flags)) {
    return false;
  }
  if ((flags & ~kXAllocFlags) != 0) {
    ThrowTypeError(env, "flags: unknown POBJ_XALLOC flag");
    return false;
  }
  if (size == 0 || size > kMaxAllocSize) {
    ThrowError(env, ErrorKind::OutOfBounds, "OUT_OF_BOUNDS", "allocation size must be between 1 and PMEMOBJ_MAX_ALLOC_SIZE");
    return false;
  }
  return true;
}

uint64_t Pool::Alloc(Napi::Env env, uint64_t size, uint64_t typeNum, uint64_t flags) {
  if (FailpointHit(Failpoint::Alloc)) {
    ThrowError(env, ErrorKind::OutOfSpace, "OUT_OF_SPACE", "pmemobj_tx_xalloc: failpoint", ENOMEM);
    return 0;
  }
  PMEMoid oid = pmemobj_tx_xalloc(size, typeNum, flags);
  heapIndex_.Forget();  // a reservation may have made a new run or split a free span
  if (OID_IS_NULL(oid)) {
    int err = errno;
    ThrowPmdkError(env, TxErrorKind(err), TxErrorCode(err), "pmemobj_tx_xalloc", err);
    return 0;
  }
  RecordAlloc(oid.off);
  return oid.off;
}

Napi::Value Pool::JS_txAlloc(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t size, typeNum, flags;
  if (!ValidateAlloc(info, size, typeNum, flags) || !RequireTxWork(env, "txAlloc")) return env.Undefined();
  uint64_t offset = Alloc(env, size, typeNum, flags);
  return offset == 0 ? env.Undefined() : Napi::Number::New(env, static_cast<double>(offset));
}

// An allocation that opens its transaction (pool.create outside one): one crossing instead of two.
Napi::Value Pool::JS_txBeginAlloc(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t size, typeNum, flags;
  if (!ValidateAlloc(info, size, typeNum, flags) || !BeginLevel(env, "txBeginAlloc")) return env.Undefined();
  uint64_t offset = Alloc(env, size, typeNum, flags);
  if (offset == 0) {
    AbortLevel(ECANCELED);
    return env.Undefined();
  }
  return Napi::Number::New(env, static_cast<double>(offset));
}

Napi::Value Pool::JS_txRealloc(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t offset, size, typeNum;
  if (!RequireOpen(env) || !ReadUint(info, 0, "offset", offset) || !ReadUint(info, 1, "size", size) ||
      !ReadUint(info, 2, "typeNum", typeNum)) {
    return env.Undefined();
  }
  if (size == 0 || size > kMaxAllocSize) {
    return ThrowError(env, ErrorKind::OutOfBounds, "OUT_OF_BOUNDS", "txRealloc: size must be between 1 and PMEMOBJ_MAX_ALLOC_SIZE");
  }
  if (!RequireTxWork(env, "txRealloc") || !RequireLiveObject(env, offset, "txRealloc")) return env.Undefined();
  if (offset == pmemobj_root(pop_, 0).off) {
    return ThrowError(env, ErrorKind::InvalidObject, "INVALID_OBJECT", "txRealloc: the root object is resized with root(size)");
  }
  PMEMoid oid = pmemobj_tx_realloc(Oid(offset), size, typeNum);
  heapIndex_.Forget();
  if (OID_IS_NULL(oid)) {
    int err = errno;
    return ThrowPmdkError(env, TxErrorKind(err), TxErrorCode(err), "pmemobj_tx_realloc", err);
  }
  if (oid.off != offset) {
    RecordFree(offset);
    RecordAlloc(oid.off);
  }
  return Napi::Number::New(env, static_cast<double>(oid.off));
}

Napi::Value Pool::JS_txFree(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t offset;
  if (!RequireOpen(env) || !ReadUint(info, 0, "offset", offset)) return env.Undefined();
  if (!RequireTxWork(env, "txFree") || !RequireLiveObject(env, offset, "txFree")) return env.Undefined();
  if (offset == pmemobj_root(pop_, 0).off) {
    return ThrowError(env, ErrorKind::InvalidObject, "INVALID_OBJECT", "txFree: the root object cannot be freed");
  }
  if (FailpointHit(Failpoint::Free)) {
    return ThrowError(env, ErrorKind::Transaction, "TX_FAILED", "pmemobj_tx_free: failpoint", ENOMEM);
  }
  // No Forget(): libpmemobj defers a transaction's frees to its commit (an action in DRAM), so the heap
  // IsLive reads is unchanged until then (and EndLevel forgets). Forgetting here made every free of a
  // big transaction rebuild the index: the free phase of a migration grew faster than linearly.
  int freed = pmemobj_tx_free(Oid(offset));
  if (freed != 0) {
    int err = errno;
    return ThrowPmdkError(env, TxErrorKind(err), TxErrorCode(err), "pmemobj_tx_free", err);
  }
  RecordFree(offset);
  return env.Undefined();
}

bool Pool::ValidateBatch(Napi::Env env, const double* ranges, size_t count, size_t sourceLength) {
  for (size_t i = 0; i < count; i++) {
    double dst = ranges[3 * i], len = ranges[3 * i + 1], src = ranges[3 * i + 2];
    bool integral = dst >= 0 && len > 0 && src >= 0 && dst == static_cast<double>(static_cast<uint64_t>(dst)) &&
                    len == static_cast<double>(static_cast<uint64_t>(len)) &&
                    src == static_cast<double>(static_cast<uint64_t>(src));
    if (!integral) {
      ThrowTypeError(env, "ranges[" + std::to_string(i) + "]: offsets must be non-negative integers and length positive");
      return false;
    }
    uint64_t s = static_cast<uint64_t>(src), l = static_cast<uint64_t>(len);
    if (s > sourceLength || l > sourceLength - s) {
      ThrowError(env, ErrorKind::OutOfBounds, "OUT_OF_BOUNDS",
                 "ranges[" + std::to_string(i) + "]: source range is outside the source buffer");
      return false;
    }
    if (!RequireRange(env, static_cast<uint64_t>(dst), l)) return false;
  }
  return true;
}

int Pool::ApplyBatch(const double* ranges, size_t count, const uint8_t* source, uint64_t flags) {
  // Snapshot every range first, then copy: a failed snapshot leaves the pool untouched.
  if (FailpointHit(Failpoint::Copy)) return ENOMEM;
  for (size_t i = 0; i < count; i++) {
    uint64_t dst = static_cast<uint64_t>(ranges[3 * i]), len = static_cast<uint64_t>(ranges[3 * i + 1]);
    int added = pmemobj_tx_xadd_range_direct(Base() + dst, len, flags);
    heapIndex_.Forget();  // a longer undo log is allocated from the heap
    if (added != 0) return errno != 0 ? errno : EINVAL;
  }
  for (size_t i = 0; i < count; i++) {
    uint64_t dst = static_cast<uint64_t>(ranges[3 * i]), len = static_cast<uint64_t>(ranges[3 * i + 1]);
    std::memcpy(Base() + dst, source + static_cast<uint64_t>(ranges[3 * i + 2]), len);
  }
  return 0;
}

// Reads (ranges, source, flags, count) of txWriteBatch/runBatch; false after throwing.
// A batch's arguments, each array read with one napi_get_typedarray_info (ReadTypedArray).
struct BatchArgs {
  const double* ranges;
  size_t rangesLength;  // elements
  const uint8_t* source;
  size_t sourceLength;  // bytes
  uint64_t flags = 0;
  uint64_t count;
};

// Reads (ranges, source[, flags], count) of the batch calls; `withFlags` false: the call takes no flags. False after throwing.
static bool ReadBatchArgs(const Napi::CallbackInfo& info, BatchArgs& args, bool withFlags) {
  Napi::Env env = info.Env();
  void* data;
  if (!ReadTypedArray(env, info[0], napi_float64_array, data, args.rangesLength)) {
    ThrowTypeError(env, "ranges must be a Float64Array of (offset, length, sourceOffset) triples");
    return false;
  }
  args.ranges = static_cast<const double*>(data);
  if (!ReadTypedArray(env, info[1], napi_uint8_array, data, args.sourceLength)) {
    ThrowTypeError(env, "source must be a Uint8Array");
    return false;
  }
  args.source = static_cast<const uint8_t*>(data);
  size_t countIndex = 2;
  if (withFlags) {
    if (!ReadOptionalUint(info, 2, "flags", 0, args.flags)) return false;
    if ((args.flags & ~kXAddFlags) != 0) {
      ThrowTypeError(env, "flags: unknown POBJ_XADD flag");
      return false;
    }
    countIndex = 3;
  }
  // An explicit count lets callers reuse one large scratch array (a subarray per call costs more
  // than the call itself).
  uint64_t all = args.rangesLength / 3;
  if (!ReadOptionalUint(info, countIndex, "count", all, args.count)) return false;
  if (info.Length() <= countIndex && args.rangesLength % 3 != 0) {
    ThrowTypeError(env, "ranges length must be a multiple of 3");
    return false;
  }
  if (args.count > all) {
    ThrowTypeError(env, "count exceeds the triples in ranges");
    return false;
  }
  return true;
}

Napi::Value Pool::JS_txWriteBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BatchArgs args;
  if (!RequireOpen(env) || !ReadBatchArgs(info, args, true)) return env.Undefined();
  if (!ValidateBatch(env, args.ranges, args.count, args.sourceLength)) return env.Undefined();
  if (!RequireTxWork(env, "txWriteBatch")) return env.Undefined();
  int err = ApplyBatch(args.ranges, args.count, args.source, args.flags);
  if (err != 0) return ThrowPmdkError(env, TxErrorKind(err), TxErrorCode(err), "pmemobj_tx_xadd_range", err);
  return env.Undefined();
}

Napi::Value Pool::CommitBatchLevel(Napi::Env env, const double* ranges, size_t count, const uint8_t* source, uint64_t flags,
                                   const char* what) {
  int err = ApplyBatch(ranges, count, source, flags);
  if (err != 0) {
    AbortLevel(err);
  } else {
    pmemobj_tx_commit();
    err = EndLevel();
  }
  if (err != 0) return ThrowPmdkError(env, TxErrorKind(err), TxErrorCode(err), std::string(what) + " aborted", err);
  return env.Undefined();
}

Napi::Value Pool::JS_runBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BatchArgs args;
  if (!RequireOpen(env) || !ReadBatchArgs(info, args, true)) return env.Undefined();
  if (!ValidateBatch(env, args.ranges, args.count, args.sourceLength)) return env.Undefined();
  if (txOwner != nullptr) {
    return ThrowError(env, ErrorKind::Transaction, "TX_OPEN", "runBatch runs its own transaction; one is already open on this thread");
  }
  if (!BeginLevel(env, "runBatch")) return env.Undefined();
  return CommitBatchLevel(env, args.ranges, args.count, args.source, args.flags, "runBatch");
}

// The end of a write-back transaction that also allocated or freed: its dirty ranges go through the
// open transaction's undo log, then commit and end, in one crossing.
Napi::Value Pool::JS_txCommitBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BatchArgs args;
  if (!RequireOpen(env) || !RequireTxWork(env, "txCommitBatch")) return env.Undefined();
  if (!ReadBatchArgs(info, args, true) || !ValidateBatch(env, args.ranges, args.count, args.sourceLength)) {
    AbortLevel(ECANCELED);
    return env.Undefined();
  }
  return CommitBatchLevel(env, args.ranges, args.count, args.source, args.flags, "txCommitBatch");
}

// A commit through the action API: every 8-byte word of the ranges becomes a pmemobj_set_value action
// and one pmemobj_publish applies them all through the redo log, atomically (power-fail safe) and
// without a transaction. Ranges must be 8-byte aligned and sized; at most kMaxPublishWords words.
Napi::Value Pool::JS_publishWords(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BatchArgs args;
  if (!RequireOpen(env) || !ReadBatchArgs(info, args, false)) return env.Undefined();
  const double* r = args.ranges;
  const size_t count = args.count;
  if (!ValidateBatch(env, r, count, args.sourceLength)) return env.Undefined();
  uint64_t words = 0;
  for (size_t i = 0; i < count; i++) {
    uint64_t dst = static_cast<uint64_t>(r[3 * i]), len = static_cast<uint64_t>(r[3 * i + 1]);
    if (dst % 8 != 0 || len % 8 != 0) {
      return ThrowTypeError(env, "ranges[" + std::to_string(i) + "]: publishWords takes 8-byte aligned offsets and lengths");
    }
    words += len / 8;
  }
  if (words > kMaxPublishWords) {
    return ThrowTypeError(env, "publishWords takes at most " + std::to_string(kMaxPublishWords) + " words, got " + std::to_string(words));
  }
  if (txOwner != nullptr) {
    return ThrowError(env, ErrorKind::Transaction, "TX_OPEN", "publishWords commits on its own; a transaction is open on this thread");
  }
  pobj_action actions[kMaxPublishWords];
  size_t n = 0;
  for (size_t i = 0; i < count; i++) {
    uint64_t dst = static_cast<uint64_t>(r[3 * i]), len = static_cast<uint64_t>(r[3 * i + 1]);
    const uint8_t* src = args.source + static_cast<uint64_t>(r[3 * i + 2]);
    for (uint64_t w = 0; w < len; w += 8) {
      uint64_t value;
      std::memcpy(&value, src + w, 8);
      pmemobj_set_value(pop_, &actions[n++], reinterpret_cast<uint64_t*>(Base() + dst + w), value);
    }
  }
  int published = FailpointHit(Failpoint::Publish) ? (errno = ENOMEM, -1) : pmemobj_publish(pop_, actions, n);
  heapIndex_.Forget();  // a longer redo log is allocated from the heap
  if (published != 0) {
    int err = errno;
    pmemobj_cancel(pop_, actions, n);
    return ThrowPmdkError(env, TxErrorKind(err), TxErrorCode(err), "pmemobj_publish", err);
  }
  return env.Undefined();
}

Napi::Value Pool::JS_txCommit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RequireOpen(env) || !RequireTxWork(env, "txCommit")) return env.Undefined();
  pmemobj_tx_commit();
  heapIndex_.Forget();  // frees and undo-log trims reach the heap here
  return env.Undefined();
}

// commit + end of the innermost level in one crossing; returns its errnum like txEnd (0: committed).
Napi::Value Pool::JS_txCommitEnd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RequireOpen(env) || !RequireTxWork(env, "txCommitEnd")) return env.Undefined();
  pmemobj_tx_commit();
  return Napi::Number::New(env, EndLevel());
}

Napi::Value Pool::JS_txAbort(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t errnum;
  if (!RequireOpen(env) || !ReadOptionalUint(info, 0, "errnum", ECANCELED, errnum)) return env.Undefined();
  if (errnum == 0 || errnum > 4095) return ThrowTypeError(env, "errnum must be a positive errno value");
  if (!RequireTxWork(env, "txAbort")) return env.Undefined();
  pmemobj_tx_abort(static_cast<int>(errnum));
  heapIndex_.Forget();
  return env.Undefined();
}

Napi::Value Pool::JS_txEnd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RequireOpen(env)) return env.Undefined();
  if (txOwner != this) {
    return ThrowError(env, ErrorKind::Transaction, "TX_NOT_ACTIVE", "txEnd: no transaction of this pool is open");
  }
  if (pmemobj_tx_stage() == TX_STAGE_WORK) {
    return ThrowError(env, ErrorKind::Transaction, "TX_NOT_FINISHED", "txEnd: commit or abort the transaction first");
  }
  return Napi::Number::New(env, EndLevel());
}

Napi::Value Pool::JS_txStage(const Napi::CallbackInfo& info) {
  if (!RequireOpen(info.Env())) return info.Env().Undefined();
  int stage = txOwner == this ? static_cast<int>(pmemobj_tx_stage()) : static_cast<int>(TX_STAGE_NONE);
  return Napi::Number::New(info.Env(), stage);
}

}  // namespace pmemts
