// Test-only failpoints: make the Nth call of a libpmemobj operation fail as if libpmemobj had failed
// (ENOMEM), once or from then on. Unarmed (the default) they cost one load and compare per call.
#pragma once
#include <cstdint>

namespace pmemts {

enum class Failpoint { Begin, AddRange, Alloc, Free, Copy, Count };

// Arms `point` to fail its `nth` call from now (1-based); `sticky` fails every later call too.
void ArmFailpoint(Failpoint point, uint64_t nth, bool sticky);
void ClearFailpoints();
// Counts a call; true when it must fail.
bool FailpointHit(Failpoint point);

}  // namespace pmemts
