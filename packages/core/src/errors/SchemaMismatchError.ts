import { PmemError } from '@pmemts/native';

/** One way a registered class differs from the pool's schema catalog. */
export interface SchemaDifference {
  /** The class (type name) concerned. */
  readonly type: string;
  /** The field concerned, or undefined for a class-level difference (size, version, type number). */
  readonly field?: string;
  /** What differs (`offset`, `size`, `kind`, `missing field`, …). */
  readonly what: string;
  /** The catalog's value. */
  readonly inPool: string;
  /** The value of the class in code. */
  readonly inCode: string;
}

/**
 * Why the classes cannot open the pool (docs/schema-evolution.md):
 * - `changed-layout`: a class differs from the catalog (the general case).
 * - `same-version`: same version, different layout: raise `@Persistent({ version })` to migrate.
 * - `lower-version`: the pool holds a higher version than the code (written by newer code).
 * - `needs-migration`: a higher version whose change (a type change, a narrowing) needs a migration function.
 * - `migration-in-progress`: a migration to other classes was interrupted; open with those classes to finish it.
 */
export type SchemaMismatchReason = 'changed-layout' | 'same-version' | 'lower-version' | 'needs-migration' | 'migration-in-progress';

const HEADINGS: Record<SchemaMismatchReason, string> = {
  'changed-layout': "the classes do not match the pool's schema catalog",
  'same-version': 'the classes have the same version as the pool but a different layout (raise the version to migrate)',
  'lower-version': 'the pool holds a higher version of these classes than the code',
  'needs-migration': 'migrating to the higher version needs a migration function for these fields',
  'migration-in-progress': 'the pool is in the middle of a migration to other classes; open it with the classes it migrates to',
};

/**
 * Thrown when a pool is opened with classes whose layout differs from the pool's schema catalog.
 * Nothing was changed; `differences` lists each difference field by field, `reason` says which case it is.
 */
export class SchemaMismatchError extends PmemError {
  /** Every difference, class by class and field by field. */
  readonly differences: readonly SchemaDifference[];
  /** Which case of mismatch this is. */
  readonly reason: SchemaMismatchReason;

  constructor(file: string, differences: readonly SchemaDifference[], reason: SchemaMismatchReason = 'changed-layout') {
    const lines = differences.map(
      (d) => `  ${d.type}${d.field ? '.' + d.field : ''}: ${d.what}: pool has ${d.inPool}, code has ${d.inCode}`,
    );
    super(`${file}: ${HEADINGS[reason]}:\n${lines.join('\n')}`, 'SCHEMA_MISMATCH');
    this.differences = differences;
    this.reason = reason;
  }
}
