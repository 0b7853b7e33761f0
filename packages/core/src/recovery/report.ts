/**
 * The recovery report of an open (Pool.recovery): what the previous session left and what opening did
 * about it. libpmemobj recovers silently inside pmemobj_open (and inside the probe child's open,
 * which comes first), so the lanes are scanned before either runs.
 */
import * as native from '@pmemts/native';
import { PoolError } from '@pmemts/native';
import type { CheckReport } from '../pool/deep-check';
import { scanPendingRecovery, type PendingRecovery } from './lane-logs';

/** The deep check's verdict, when the pool was opened with `verify: true`. */
export interface VerifyVerdict {
  /** True when the deep check found no problem. */
  readonly ok: boolean;
  /** Milliseconds the deep check took. */
  readonly ms: number;
  /** The whole report (problems listed). */
  readonly report: CheckReport;
}

/** What the previous session left behind and what this open did about it (see docs/recovery.md). */
export interface RecoveryReport {
  /** Whether the previous session closed the pool (pmemts's open flag was clear). */
  readonly lastShutdownClean: boolean;
  /**
   * Whether a transaction was in flight when the previous session ended, so libpmemobj rolled it
   * back at this open (its undo log held valid entries). Null when the lanes could not be read before
   * the open (a device DAX, which supports only mmap). A write-back transaction that had not reached
   * its commit left nothing in the pool, so it has nothing to roll back and is not counted.
   */
  readonly transactionRolledBack: boolean | null;
  /** Lanes whose undo log this open rolled back (one per interrupted transaction); 0 when unknown. */
  readonly lanesRolledBack: number;
  /** Lanes whose redo log this open replayed: a commit or atomic allocation interrupted after its log was complete, finished (rolled forward); 0 when unknown. */
  readonly lanesReplayed: number;
  /** Milliseconds the open took, recovery included: the probe child's open (which recovers first), then pmemobj_open. 0 for Pool.create. */
  readonly openMs: number;
  /** The deep check's verdict with `Pool.open(path, { verify: true })`, else null. */
  readonly verify: VerifyVerdict | null;
}

/** The report of a pool made by Pool.create: nothing to recover. */
export const CREATED_REPORT: RecoveryReport = Object.freeze({ lastShutdownClean: true, transactionRolledBack: false, lanesRolledBack: 0, lanesReplayed: 0, openMs: 0, verify: null });

/** A native open and what its recovery found. */
export interface RecoveringOpen {
  readonly handle: native.NativePool;
  readonly pending: PendingRecovery | null;
  readonly openMs: number;
}

/**
 * native.open after scanning the lanes. libpmemobj refuses a second pool with the same UUID in one
 * process with EEXIST (a checkpoint and the pool it copies share theirs): that gets its own code.
 * @throws {PoolError} POOL_UUID_OPEN when a pool with the same UUID is open in this process; native.open's errors otherwise.
 */
export function openRecovering(file: string, layout: string, probe: 'open' | 'walk' | false): RecoveringOpen {
  native.requireString('path', file); // as native.open names it
  const pending = scanPendingRecovery(file);
  const started = performance.now();
  try {
    const handle = native.open(file, layout, { probe });
    return { handle, pending, openMs: performance.now() - started };
  } catch (error) {
    if (error instanceof PoolError && error.code === 'POOL_EXISTS') {
      throw new PoolError(
        `${file}: a pool with the same UUID is already open in this process (a checkpoint shares the UUID of the pool it copies): close the other one first, or open this one in another process`,
        'POOL_UUID_OPEN',
        error.errno,
      );
    }
    throw error;
  }
}

/** The report of an open: `verify` runs the deep check when given. */
export function recoveryReport(opened: RecoveringOpen, lastShutdownClean: boolean, verify: (() => CheckReport) | null): RecoveryReport {
  const { pending } = opened;
  let verdict: VerifyVerdict | null = null;
  if (verify !== null) {
    const started = performance.now();
    const report = verify();
    verdict = { ok: report.problems.length === 0, ms: performance.now() - started, report };
  }
  return Object.freeze({
    lastShutdownClean,
    transactionRolledBack: pending === null ? null : pending.lanesToRollBack > 0,
    lanesRolledBack: pending?.lanesToRollBack ?? 0,
    lanesReplayed: pending?.lanesToReplay ?? 0,
    openMs: opened.openMs,
    verify: verdict,
  });
}

/** One line for people (pmemts info). */
export function describeRecovery(report: RecoveryReport): string {
  const shutdown = report.lastShutdownClean ? 'last session closed cleanly' : 'last session ended without close';
  const rollback =
    report.transactionRolledBack === null ? 'in-flight transactions unknown (lanes not readable before open)'
    : report.transactionRolledBack ? `rolled back ${report.lanesRolledBack} in-flight transaction(s)`
    : 'no transaction in flight';
  const replay = report.lanesReplayed > 0 ? `; replayed ${report.lanesReplayed} interrupted commit(s)` : '';
  const verify = report.verify === null ? '' : `; deep check ${report.verify.ok ? 'ok' : `found ${report.verify.report.problems.length} problem(s)`}`;
  return `${shutdown}; ${rollback}${replay}; open took ${report.openMs.toFixed(1)} ms${verify}`;
}
