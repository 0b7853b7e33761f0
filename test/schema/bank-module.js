// The kill test's bank classes as an application module for `pmemts diff` and `pmemts migrate`:
// BANK_VERSION (1 or 2; default 2) picks the version, as a module built from another commit would.
const path = require('node:path');
const core = require(path.resolve(__dirname, '../../packages/core/dist'));
const killClasses = require('./kill-classes');

const { types } = killClasses(core, Number(process.env.BANK_VERSION ?? 2));
// BANK_MIGRATIONS=bad exports a malformed migrations option, as a module with a typo would.
const migrations = process.env.BANK_MIGRATIONS === 'bad' ? { KAccount: { 1: () => undefined } } : undefined;
module.exports = { types, layout: 'pmemts-kill', migrations };
