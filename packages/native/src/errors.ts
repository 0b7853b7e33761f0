/**
 * The error classes every pmemts layer throws. They live in the lowest layer because the native
 * addon constructs them itself (they are handed to it at load time, as better-sqlite3 does with
 * SqliteError), and higher layers extend PmemError for their own failures.
 */

const BRAND = Symbol.for('pmemts.error');

/** Base of every error pmemts throws on purpose. `code` is a stable string; `errno` is set when the OS or PMDK gave one. */
export class PmemError extends Error {
  /** Stable machine-readable kind (`POOL_LOCKED`, `TX_ASYNC`, …; docs/errors.md lists them). */
  readonly code: string;
  /** The OS or PMDK errno behind the failure, when there was one. */
  readonly errno: number | undefined;

  constructor(message: string, code = 'PMEM_ERROR', errno?: number, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.errno = errno === undefined || errno === 0 ? undefined : errno;
  }

  /** True for every pmemts error, also across module copies (brand, not instanceof). */
  get isPmemError(): true {
    return true;
  }

  /** @internal The brand isPmemError tests. */
  get [BRAND](): true {
    return true;
  }
}

/** Thrown when a pool cannot be created, opened, checked or used (missing file, locked, wrong layout, closed). */
export class PoolError extends PmemError {}

/** Thrown when a pool's bytes are not a valid pool, or opening it would crash libpmemobj. Nothing was changed. */
export class PoolCorruptError extends PoolError {}

/** Thrown when a pool (or a buffer or object of it) is used after `close()`. */
export class PoolClosedError extends PoolError {}

/** Thrown when a transaction cannot begin, commit or be used as asked (wrong stage, nested misuse, async closure). */
export class TransactionError extends PmemError {}

/** Thrown when the pool has no room for an allocation or for its undo log; the transaction was aborted. */
export class OutOfSpaceError extends TransactionError {}

/** Thrown when an offset and length fall outside the pool mapping, or a size is out of range. Nothing was touched. */
export class OutOfBoundsError extends PmemError {}

/** Thrown when an offset does not name a live object of the pool (never allocated, or freed). */
export class InvalidObjectError extends PmemError {}

/** True for any pmemts error, even one from another copy of this module. */
export function isPmemError(value: unknown): value is PmemError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * What the addon needs to build typed errors; the keys are the `kind` strings native code uses.
 * @internal handed to the addon at load time; not for applications.
 */
export const errorClasses = {
  PmemError,
  PoolError,
  PoolCorruptError,
  PoolClosedError,
  TransactionError,
  OutOfSpaceError,
  OutOfBoundsError,
  InvalidObjectError,
} as const;
