/**
 * Every failure of every command ends here: one line on stderr (`pmemts: …`, never a stack trace)
 * and an exit status that says what kind of failure it was.
 */
import { CommanderError } from 'commander';
import { isPmemError, PoolError, SchemaMismatchError } from '@pmemts/core';

/** Exit statuses (README, "The pmemts CLI"). */
export const ExitStatus = {
  ok: 0,
  /** `check` found problems in the pool. */
  problemsFound: 1,
  /** The command line is wrong, or names something the pool does not hold. */
  usage: 2,
  /** The pool cannot be opened or read: missing, not a file, locked, not a pool, corrupt, wrong layout, schema mismatch. */
  cannotOpen: 3,
  /** `import`: the JSON is unreadable or not an export this pool can hold; nothing was imported. */
  badImportData: 4,
  /** A failure pmemts did not expect: a bug. */
  internal: 5,
} as const;

/** A mistake in the command line, or an argument that names nothing in the pool. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Import data that cannot be imported as it is; the pool was left unchanged. */
export class ImportDataError extends Error {
  override readonly name = 'ImportDataError';
}

function classify(error: unknown): { status: number; message: string } {
  if (error instanceof CommanderError) {
    // With no command, commander prints its help as the error; one line is enough.
    const message = error.code === 'commander.help' ? 'a command is required (pmemts --help lists them)' : error.message.replace(/^error: /, '');
    return { status: error.exitCode === 0 ? ExitStatus.ok : ExitStatus.usage, message };
  }
  if (error instanceof UsageError) return { status: ExitStatus.usage, message: error.message };
  if (error instanceof ImportDataError) return { status: ExitStatus.badImportData, message: error.message };
  if (error instanceof SchemaMismatchError || error instanceof PoolError) return { status: ExitStatus.cannotOpen, message: error.message };
  // Other pmemts errors come from reading or writing pool data (a dangling ref, a corrupt field, a full pool).
  if (isPmemError(error)) return { status: ExitStatus.cannotOpen, message: error.message };
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { status: ExitStatus.internal, message: `internal error: ${what} (a bug in pmemts; please report it)` };
}

/** Lines joined into one: a schema mismatch's list of differences becomes `first: a; b; c`. */
function oneLine(message: string): string {
  const [first = '', ...rest] = message.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return rest.length === 0 ? first : `${first} ${rest.join('; ')}`;
}

/** Prints `error` as one line on stderr; returns the exit status. */
export function reportFailure(error: unknown): number {
  const { status, message } = classify(error);
  if (status !== ExitStatus.ok) process.stderr.write(`pmemts: ${oneLine(message)}\n`);
  return status;
}
