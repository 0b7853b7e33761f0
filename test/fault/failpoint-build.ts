/**
 * Imported first by tests that arm failpoints: makes @pmemts/native load its test build, the only one
 * with failpoints (the variable is read once, when the binding loads; jest gives each test file its
 * own copy of process.env and of the module registry).
 */
process.env.PMEMTS_NATIVE_BUILD = 'failpoints';
