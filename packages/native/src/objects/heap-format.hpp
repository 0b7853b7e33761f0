// Reads libpmemobj's on-media heap format (PMDK 1.x, heap layout major 1) to describe one allocation
// without walking the heap. Every read is bounds-checked against the mapping, so a corrupted offset
// or corrupted metadata gives "no allocation" instead of a crash; pmemobj_type_num and
// pmemobj_alloc_usable_size trust the offset and the run metadata it leads to.
#pragma once
#include <cstdint>

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
// pmemobj_first/pmemobj_next see it: the chunk span is found from the zone's chunk headers, a run
// block by its bitmap bit and the headers of the blocks before it in the same stretch of set bits.
enum class BlockState {
  None,       // no allocated block starts there (free, inside a block, off the heap, or malformed metadata)
  Allocated,  // an allocated block: pmemobj_first/next report it
  Internal,   // an allocated block flagged internal (the root object, undo-log extensions): not reported
};
BlockState BlockStateAt(const char* base, uint64_t size, uint64_t offset);

}  // namespace pmemts
