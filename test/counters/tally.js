// The classes of the counter kill test, declared without TypeScript so the child can load them: the
// counter lives in its own object, so a write-through add snapshots only its stripe while the control
// total's store snapshots the other object.
function declareTally({ Persistent, Field, Ref }) {
  class Holder {}
  Field({ type: 'counter', stripes: 8 })(Holder.prototype, 'hits');
  Persistent({ name: 'KillHolder' })(Holder);
  class Tally {}
  Field('u64')(Tally.prototype, 'total');
  Ref(() => Holder)(Tally.prototype, 'holder');
  Persistent({ name: 'KillTally' })(Tally);
  return { Tally, Holder };
}

module.exports = { declareTally };
