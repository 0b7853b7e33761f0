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
 * Thrown when a pool is opened with classes whose layout differs from the pool's schema catalog.
 * Nothing was changed; `differences` lists each difference field by field.
 */
export class SchemaMismatchError extends PmemError {
  /** Every difference, class by class and field by field. */
  readonly differences: readonly SchemaDifference[];

  constructor(file: string, differences: readonly SchemaDifference[]) {
    const lines = differences.map(
      (d) => `  ${d.type}${d.field ? '.' + d.field : ''}: ${d.what}: pool has ${d.inPool}, code has ${d.inCode}`,
    );
    super(`${file}: the classes do not match the pool's schema catalog:\n${lines.join('\n')}`, 'SCHEMA_MISMATCH');
    this.differences = differences;
  }
}
