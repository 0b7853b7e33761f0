/** Schema evolution: the diff of a pool's catalog against the classes in code, migrations and their errors. */
export { diffSchema, manualFields, isWidening } from './diff';
export type { ClassDiff, ClassDiffStatus, FieldChange, FieldChangeKind } from './diff';
export { MigrationError } from './MigrationError';
export { setMigrationBatchSizeForTests } from './migrator';
export type { MigrationPhase, MigrationProgress } from './migrator';
export type { MigrationFunction, Migrations } from './migrations-option';
