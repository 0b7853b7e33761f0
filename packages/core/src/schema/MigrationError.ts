import { PmemError } from '@pmemts/native';

/**
 * Thrown by `Pool.open` when a migration function threw (or returned a promise): the migration was
 * rolled back entirely, so the pool is still at its old version and opens with the old classes.
 * `cause` is what the function threw.
 */
export class MigrationError extends PmemError {
  /** The class (type name) whose migration failed. */
  readonly type: string;
  /** The version whose migration function threw. */
  readonly version: number;
  /** Pool offset of the object being migrated when it threw. */
  readonly object: number;

  constructor(type: string, version: number, object: number, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`the migration of ${type} to version ${version} threw at the object at offset ${object}: ${detail}; the pool was rolled back to its old version`, 'MIGRATION_FAILED', undefined, { cause });
    this.type = type;
    this.version = version;
    this.object = object;
  }
}
