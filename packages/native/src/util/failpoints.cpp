// Compiled only into the test build (binding.gyp target pmemts_native_failpoints).
#include "util/failpoints.hpp"

namespace pmemts {
namespace {

struct State {
  uint64_t calls = 0;
  uint64_t nth = 0;  // 0: unarmed
  bool sticky = false;
};

State states[static_cast<int>(Failpoint::Count)];
bool anyArmed = false;

}  // namespace

void ArmFailpoint(Failpoint point, uint64_t nth, bool sticky) {
  states[static_cast<int>(point)] = State{0, nth, sticky};
  anyArmed = true;
}

void ClearFailpoints() {
  for (State& s : states) s = State{};
  anyArmed = false;
}

bool FailpointHit(Failpoint point) {
  if (!anyArmed) return false;
  State& s = states[static_cast<int>(point)];
  if (s.nth == 0) return false;
  s.calls++;
  return s.sticky ? s.calls >= s.nth : s.calls == s.nth;
}

}  // namespace pmemts
