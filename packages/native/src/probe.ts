/**
 * Crash isolation for opening and checking pools: the probe executable does the risky libpmemobj call
 * in a child process. A signal there means the pool would have crashed us: PoolCorruptError.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { poolErrorFrom } from './pool-errors';
import { PoolCorruptError, PoolError } from './errors';
import { requireString } from './validate';

/** What the probe child does: `open` the pool, open it and `walk` its heap, or run pmemobj_`check`. */
export type ProbeMode = 'open' | 'walk' | 'check';
const PROBE_MODES: readonly ProbeMode[] = ['open', 'walk', 'check'];

const PROBE = path.join(__dirname, '..', 'build', 'Release', 'pmemts_probe');

/** What the probe saw. `throwIfFailed` turns every outcome but success into the matching typed error. */
export interface ProbeResult {
  /** `opened` (open, walk) or `consistent`/`inconsistent` (check) on success; `failed` with errno and message, or `crashed` (a signal or the timeout). */
  readonly status: 'opened' | 'consistent' | 'inconsistent' | 'failed' | 'crashed';
  /** The errno of a failure, else 0. */
  readonly errno: number;
  /** libpmemobj's message of a failure, or what killed the child. */
  readonly message: string;
  /**
   * Returns for success (`inconsistent` included: pmemobj_check answered).
   * @throws {PoolCorruptError} when the probe crashed or timed out, or libpmemobj found no valid pool.
   * @throws {PoolError} for the other failures (missing file, locked, wrong layout).
   */
  throwIfFailed(): void;
}

/** How long the probe may take before the pool is declared corrupt (a corrupted heap can make libpmemobj loop forever). */
export const PROBE_TIMEOUT_MS = 60_000;

/** Run the probe on `file`. Synchronous: it blocks for one process spawn plus one open (or check). */
export function probePool(file: string, layout: string, mode: ProbeMode, timeoutMs = PROBE_TIMEOUT_MS): ProbeResult {
  requireString('path', file);
  requireString('layout', layout);
  if (!PROBE_MODES.includes(mode)) throw new TypeError(`mode must be one of ${PROBE_MODES.join(', ')}, got ${String(mode)}`);
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0)) throw new TypeError(`timeoutMs must be a positive number, got ${String(timeoutMs)}`);
  const child = spawnSync(PROBE, [mode, file, layout], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: process.env, timeout: timeoutMs, killSignal: 'SIGKILL' });
  if (child.error && (child.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
    const text = `libpmemobj did not finish ${mode === 'check' ? 'checking' : 'opening'} ${file} within ${timeoutMs} ms: the pool is corrupt`;
    return result('crashed', 0, text, () => {
      throw new PoolCorruptError(text, 'POOL_HUNG');
    });
  }
  if (child.error) {
    throw new PoolError(`cannot run the pool probe ${PROBE}: ${child.error.message}`, 'PROBE_UNAVAILABLE');
  }
  const [errnoText, ...rest] = (child.stdout ?? '').trim().split('\t');
  const errno = Number(errnoText) || 0;
  const message = rest.join('\t');
  if (child.signal) {
    const text = `libpmemobj crashed (${child.signal}) while ${mode === 'check' ? 'checking' : 'opening'} ${file}: the pool is corrupt`;
    return result('crashed', 0, text, () => {
      throw new PoolCorruptError(text, 'POOL_CORRUPT');
    });
  }
  switch (child.status) {
    case 0:
      return result(mode === 'check' ? 'consistent' : 'opened', 0, message, () => undefined);
    case 1:
      return result('inconsistent', 0, message || 'pmemobj_check found the pool inconsistent', () => {
        throw new PoolCorruptError(`${file}: pool is inconsistent: ${message}`, 'POOL_INCONSISTENT');
      });
    case 3:
      return result('failed', errno, message, () => {
        throw poolErrorFrom(errno, message, file);
      });
    default:
      throw new PoolError(`pool probe exited with status ${child.status}: ${child.stderr}`, 'PROBE_FAILED');
  }
}

function result(status: ProbeResult['status'], errno: number, message: string, throwIfFailed: () => void): ProbeResult {
  return { status, errno, message, throwIfFailed };
}
