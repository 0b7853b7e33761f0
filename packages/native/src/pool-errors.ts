/** Maps the errno and message of a failed pmemobj_create/open/check to the typed error a user can act on. */
import { PoolCorruptError, PoolError } from './errors';

export function poolErrorFrom(errno: number, pmdkMessage: string, file: string): PoolError {
  const detail = pmdkMessage ? `: ${pmdkMessage}` : '';
  switch (errno) {
    case 2: // ENOENT
      return new PoolError(`${file}: no such pool file${detail}`, 'POOL_NOT_FOUND', errno);
    case 17: // EEXIST
      return new PoolError(`${file}: file already exists; open it, or remove it first${detail}`, 'POOL_EXISTS', errno);
    case 11: // EWOULDBLOCK: the flock of an open pool
      return new PoolError(`${file}: pool is already open (locked by this or another process)${detail}`, 'POOL_LOCKED', errno);
    case 13: // EACCES
    case 1: // EPERM
      return new PoolError(`${file}: permission denied${detail}`, 'POOL_ACCESS_DENIED', errno);
    case 21: // EISDIR
      return new PoolError(`${file}: is a directory, not a pool file${detail}`, 'POOL_NOT_A_FILE', errno);
    case 20: // ENOTDIR
      return new PoolError(`${file}: a parent of this path is not a directory${detail}`, 'POOL_NOT_FOUND', errno);
    case 28: // ENOSPC
      return new PoolError(`${file}: no space left on the device${detail}`, 'POOL_NO_SPACE', errno);
    case 22: // EINVAL (create's size is checked before the call, so a size complaint here is about an existing file)
      if (/layout/i.test(pmdkMessage)) {
        return new PoolError(`${file}: layout mismatch${detail}`, 'POOL_LAYOUT_MISMATCH', errno);
      }
      return new PoolCorruptError(`${file}: not a valid pmemobj pool${detail}`, 'POOL_CORRUPT', errno);
    default:
      return new PoolError(`${file}: cannot open pool${detail}`, 'POOL_OPEN_FAILED', errno);
  }
}
