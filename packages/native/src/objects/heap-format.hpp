// Reads libpmemobj's on-media heap format (PMDK 1.x, heap layout major 1) to describe one allocation
// in O(1). Every read is bounds-checked against the mapping, so a corrupted offset gives "no
// allocation" instead of a crash; pmemobj_type_num and pmemobj_alloc_usable_size trust the offset and
// the run metadata it leads to.
#pragma once
#include <cstdint>

namespace pmemts {

struct AllocationHeader {
  uint64_t typeNum;
  uint64_t usableSize;
};

// True (and `out` filled) when `offset` lies in a chunk in use (a run or a huge chunk) with compact
// allocation headers, and the header in front of `offset` is well-formed for that chunk. A block freed
// inside a run that is still in use passes: telling it apart needs the run's bitmap (or a heap walk).
bool ReadAllocationHeader(const char* base, uint64_t size, uint64_t offset, AllocationHeader& out);

}  // namespace pmemts
