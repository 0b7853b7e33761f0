// Reads libpmemobj's on-media heap format (PMDK 1.x, heap layout major 1) to describe one allocation
// without walking the heap. Every read is bounds-checked against the mapping, so a corrupted offset
// or corrupted metadata gives "no allocation" instead of a crash; pmemobj_type_num and
// pmemobj_alloc_usable_size trust the offset and the run metadata it leads to.
#pragma once
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace pmemts {

struct AllocationHeader {
  uint64_t typeNum;
  uint64_t usableSize;
};

// True (and `out` filled) when `offset` lies in a chunk in use (a run or a huge chunk) with compact
// allocation headers, and the header in front of `offset` is well-formed for that chunk. The run
// bitmap is not consulted, so a block reserved by the running transaction passes, and so does a block
// freed inside a run that is still in use: BlockStateAt tells those apart.
bool ReadAllocationHeader(const char* base, uint64_t size, uint64_t offset, AllocationHeader& out);

// What the persistent heap records for the block whose user data starts at `offset`, exactly as
// pmemobj_first/pmemobj_next see it: its chunk span, then for a run its bitmap bit and whether the
// walk over its bitmap word starts a block there (both from `index` once known).
// What the heap walk would learn about the parts of the heap isObject has looked at, read once and
// kept until Forget(): the chunk spans of a zone (their first chunk ids, in order: libpmemobj leaves
// the headers of a span's later chunks stale, so the span holding a chunk is known only by hopping
// from the zone's start), and the blocks starting in a run bitmap word (a run block's size is known
// only from the headers before it in its word). Its owner calls Forget() after every libpmemobj call
// that may change the heap (allocations, frees, commits); Forget() frees nothing, so errno survives.
class HeapIndex {
 public:
  void Forget() { stale_ = true; }
  // First chunk ids of the zone at pool offset `zone`, from `build` on first use.
  template <typename Build>
  const std::vector<uint32_t>& SpanStarts(uint64_t zone, Build build) {
    DropIfStale();
    auto found = spans_.find(zone);
    if (found == spans_.end()) found = spans_.emplace(zone, build()).first;
    return found->second;
  }
  // Bit i set: a block starts at unit i of the bitmap word at pool offset `word`, from `build` on first use.
  template <typename Build>
  uint64_t BlockStarts(uint64_t word, Build build) {
    DropIfStale();
    auto found = blockStarts_.find(word);
    if (found == blockStarts_.end()) found = blockStarts_.emplace(word, build()).first;
    return found->second;
  }

 private:
  void DropIfStale() {
    if (!stale_) return;
    spans_.clear();
    blockStarts_.clear();
    stale_ = false;
  }

  bool stale_ = false;
  std::unordered_map<uint64_t, std::vector<uint32_t>> spans_;
  std::unordered_map<uint64_t, uint64_t> blockStarts_;
};

enum class BlockState {
  None,       // no allocated block starts there (free, inside a block, off the heap, or malformed metadata)
  Allocated,  // an allocated block: pmemobj_first/next report it
  Internal,   // an allocated block flagged internal (the root object, undo-log extensions): not reported
};
BlockState BlockStateAt(const char* base, uint64_t size, uint64_t offset, HeapIndex& index);

}  // namespace pmemts
