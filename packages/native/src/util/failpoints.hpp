// Test-only failpoints: make the Nth call of a libpmemobj operation fail as if libpmemobj had failed
// (ENOMEM), once or from then on. They exist only in the test build of the addon
// (pmemts_native_failpoints, compiled with PMEMTS_FAILPOINTS); in the shipped addon FailpointHit is a
// constant false the compiler removes, so no production pool can trip one.
#pragma once
#include <cstdint>

namespace pmemts {

enum class Failpoint { Begin, AddRange, Alloc, Free, Copy, Publish, Count };

#ifdef PMEMTS_FAILPOINTS
// Arms `point` to fail its `nth` call from now (1-based); `sticky` fails every later call too.
void ArmFailpoint(Failpoint point, uint64_t nth, bool sticky);
void ClearFailpoints();
// Counts a call; true when it must fail.
bool FailpointHit(Failpoint point);
#else
inline bool FailpointHit(Failpoint) { return false; }
#endif

}  // namespace pmemts
