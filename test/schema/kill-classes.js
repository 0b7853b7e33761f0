// The classes of the migration kill and power-failure tests, for a given @pmemts/core (the test's
// sources or a child's dist): a bank whose accounts form a linked list from the root, plus a vector
// of refs to every 100th account. Version 1 → 2 changes only what migrates by itself: owner widened
// and moved first, id widened u32 → u64, `opened` added.
require('reflect-metadata');

module.exports = function killClasses(core, version) {
  const { Field, Persistent, Ref } = core;
  class KAccount {}
  if (version === 1) {
    Field('u32')(KAccount.prototype, 'id');
    Field('i64')(KAccount.prototype, 'balance');
    Field({ type: 'string', maxBytes: 16 })(KAccount.prototype, 'owner');
    Ref(() => KAccount)(KAccount.prototype, 'next');
  } else {
    Field({ type: 'string', maxBytes: 32 })(KAccount.prototype, 'owner');
    Field('u64')(KAccount.prototype, 'id');
    Field('i64')(KAccount.prototype, 'balance');
    Ref(() => KAccount)(KAccount.prototype, 'next');
    Field('timestamp')(KAccount.prototype, 'opened');
  }
  Persistent({ name: 'KAccount', version })(KAccount);
  class KBank {}
  Ref(() => KAccount)(KBank.prototype, 'first');
  Field('u32')(KBank.prototype, 'count');
  Field({ type: 'vector', of: () => KAccount })(KBank.prototype, 'sample');
  Persistent({ name: 'KBank' })(KBank);
  return { KAccount, KBank, types: [KBank, KAccount] };
};
