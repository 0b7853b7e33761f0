/** A mistake in the command line (exit status 2), as opposed to a pool that cannot be opened (3). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
