// Pool: one open libpmemobj pool.
// Wraps pmemobj_create/open/close/root/root_size, pmemobj_tx_{begin,xadd_range,xalloc,realloc,free,
// commit,abort,end,stage} (in pool-tx.cpp, with the fused and batch forms and the action API's
// set_value + publish), pmemobj_{persist,flush,drain,memcpy,memset}, pmemobj_{first,next,type_num,
// alloc_usable_size} and pmemobj_ctl_{get,set}. Thin: bounds and liveness checks only, no policy.
#pragma once
#include <libpmemobj.h>
#include <napi.h>

#include <cstdint>
#include <string>
#include <unordered_map>

#include "objects/heap-format.hpp"

namespace pmemts {

constexpr uint64_t kMaxAllocSize = PMEMOBJ_MAX_ALLOC_SIZE;
// Most 8-byte words one publishWords commits: each is a pobj_action on the stack and 16 bytes of
// redo log; beyond the lane's own log libpmemobj would allocate more log from the heap per commit.
constexpr size_t kMaxPublishWords = 64;

class Pool : public Napi::ObjectWrap<Pool> {
 public:
  static Napi::Function Define(Napi::Env env);
  // Wraps an already opened pool in a new JS object (constructor reference kept in instance data).
  static Napi::Value Wrap(Napi::Env env, PMEMobjpool* pop, const std::string& path, uint64_t size);

  explicit Pool(const Napi::CallbackInfo& info);
  // Garbage-collected while still open: detach the buffer, abandon any transaction, close.
  void Finalize(Napi::Env env) override;

 private:
  Napi::Value JS_close(const Napi::CallbackInfo& info);
  Napi::Value JS_root(const Napi::CallbackInfo& info);
  Napi::Value JS_rootSize(const Napi::CallbackInfo& info);
  Napi::Value JS_txBegin(const Napi::CallbackInfo& info);
  Napi::Value JS_txAddRange(const Napi::CallbackInfo& info);
  Napi::Value JS_txBeginAddRange(const Napi::CallbackInfo& info);
  Napi::Value JS_txAlloc(const Napi::CallbackInfo& info);
  Napi::Value JS_txBeginAlloc(const Napi::CallbackInfo& info);
  Napi::Value JS_txRealloc(const Napi::CallbackInfo& info);
  Napi::Value JS_txFree(const Napi::CallbackInfo& info);
  Napi::Value JS_txWriteBatch(const Napi::CallbackInfo& info);
  Napi::Value JS_txCommit(const Napi::CallbackInfo& info);
  Napi::Value JS_txCommitEnd(const Napi::CallbackInfo& info);
  Napi::Value JS_txCommitBatch(const Napi::CallbackInfo& info);
  Napi::Value JS_txAbort(const Napi::CallbackInfo& info);
  Napi::Value JS_txEnd(const Napi::CallbackInfo& info);
  Napi::Value JS_txStage(const Napi::CallbackInfo& info);
  Napi::Value JS_runBatch(const Napi::CallbackInfo& info);
  Napi::Value JS_publishWords(const Napi::CallbackInfo& info);
  Napi::Value JS_persist(const Napi::CallbackInfo& info);
  Napi::Value JS_flush(const Napi::CallbackInfo& info);
  Napi::Value JS_drain(const Napi::CallbackInfo& info);
  Napi::Value JS_memcpyPersist(const Napi::CallbackInfo& info);
  Napi::Value JS_memsetPersist(const Napi::CallbackInfo& info);
  Napi::Value JS_first(const Napi::CallbackInfo& info);
  Napi::Value JS_next(const Napi::CallbackInfo& info);
  Napi::Value JS_typeNum(const Napi::CallbackInfo& info);
  Napi::Value JS_usableSize(const Napi::CallbackInfo& info);
  Napi::Value JS_isObject(const Napi::CallbackInfo& info);
  Napi::Value JS_allocationHeader(const Napi::CallbackInfo& info);
  Napi::Value JS_ctlGet(const Napi::CallbackInfo& info);
  Napi::Value JS_ctlSet(const Napi::CallbackInfo& info);
  // pmemobj_defrag over PMEMoid locations in the pool (pool-defrag.cpp).
  Napi::Value JS_defrag(const Napi::CallbackInfo& info);
  Napi::Value JS_getPath(const Napi::CallbackInfo& info);
  Napi::Value JS_getSize(const Napi::CallbackInfo& info);
  Napi::Value JS_getIsPmem(const Napi::CallbackInfo& info);
  Napi::Value JS_getUuidLo(const Napi::CallbackInfo& info);
  Napi::Value JS_getClosed(const Napi::CallbackInfo& info);
  Napi::Value JS_getBuffer(const Napi::CallbackInfo& info);
  Napi::Value JS_getHeapWalks(const Napi::CallbackInfo& info);

  // Each guard throws and returns false when its condition does not hold.
  bool RequireOpen(Napi::Env env);
  bool RequireRange(Napi::Env env, uint64_t offset, uint64_t length);
  bool RequireTxWork(Napi::Env env, const char* what);
  bool RequireLiveObject(Napi::Env env, uint64_t offset, const char* what);

  // Transaction levels. BeginLevel throws and returns false on failure (nothing stays open);
  // EndLevel ends the innermost level and returns its errnum; AbortLevel aborts it (if in work) and ends it.
  bool BeginLevel(Napi::Env env, const char* what);
  int EndLevel();
  void AbortLevel(int err);
  // The checks and libpmemobj calls of txAddRange/txAlloc, shared by their fused forms; they throw
  // and return false (or 0) on failure.
  bool ValidateAddRange(const Napi::CallbackInfo& info, uint64_t& offset, uint64_t& length, uint64_t& flags);
  bool AddRange(Napi::Env env, uint64_t offset, uint64_t length, uint64_t flags);
  bool ValidateAlloc(const Napi::CallbackInfo& info, uint64_t& size, uint64_t& typeNum, uint64_t& flags);
  uint64_t Alloc(Napi::Env env, uint64_t size, uint64_t typeNum, uint64_t flags);

  // Reads (offset, length) arguments at `index` and checks them against the mapping.
  bool ReadRange(const Napi::CallbackInfo& info, size_t index, uint64_t& offset, uint64_t& length);
  // Validates every triple of a batch before any byte is snapshotted or written.
  bool ValidateBatch(Napi::Env env, const double* ranges, size_t count, size_t sourceLength);
  // Snapshots and copies a validated batch; returns 0 or the errno of the failed snapshot.
  int ApplyBatch(const double* ranges, size_t count, const uint8_t* source, uint64_t flags);
  // ApplyBatch in the open level, then commits and ends it (or aborts and ends it, and throws).
  Napi::Value CommitBatchLevel(Napi::Env env, const double* ranges, size_t count, const uint8_t* source, uint64_t flags,
                               const char* what);

  // Live object start: the running transaction's changes first, then the persistent heap's own record.
  bool IsLive(uint64_t offset);
  void RecordAlloc(uint64_t offset);
  void RecordFree(uint64_t offset);
  // Called when the outermost transaction ended: committed or aborted, the heap now records its outcome.
  void SettleTransaction();
  // Aborts (if in work) and ends every open transaction level this pool began.
  void AbandonTransaction();
  void CloseNow();

  char* Base() const { return reinterpret_cast<char*>(pop_); }
  PMEMoid Oid(uint64_t offset) const { return PMEMoid{uuidLo_, offset}; }

  // The one transaction a thread can have belongs to one pool; calls through another pool are refused
  // (libpmemobj would FATAL on some of them).
  static thread_local Pool* txOwner;

  PMEMobjpool* pop_ = nullptr;
  std::string path_;
  uint64_t size_ = 0;
  uint64_t uuidLo_ = 0;
  bool isPmem_ = false;
  Napi::Reference<Napi::ArrayBuffer> buffer_;

  // Open transaction levels begun through this pool (libpmemobj flattens them).
  int txDepth_ = 0;
  // Objects the running transaction allocated (true) or freed (false): libpmemobj sets their bitmap
  // bits or chunk headers only at commit, so the heap alone would say the opposite until then.
  std::unordered_map<uint64_t, bool> txLive_;
  // What IsLive has learnt of the heap's shape; forgotten after every libpmemobj call that may change it.
  HeapIndex heapIndex_;
};

}  // namespace pmemts
