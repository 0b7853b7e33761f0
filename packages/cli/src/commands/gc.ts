import { openForInspection, type CollectReport } from '@pmemts/core';
import type { Progress } from '../progress';

export interface GcResult extends Omit<CollectReport, 'collected'> {
  /** What went (or would go): `Class@offset` and usable bytes. */
  readonly collected: { object: string; bytes: number }[];
  /** Count and bytes by class. */
  readonly byType: Record<string, { count: number; bytes: number }>;
}

/** pmemts gc: the reachability collection (or its dry run) of a pool opened with the classes of its catalog. */
export function gc(file: string, layout: string | undefined, dryRun: boolean, progress: Progress): GcResult {
  progress.stage(`gc: opening ${file}`);
  const { pool } = openForInspection(file, { layout, writable: !dryRun });
  try {
    progress.stage(dryRun ? 'gc: marking (dry run)' : 'gc: marking and freeing');
    const report = pool.collect({ dryRun });
    const byType: Record<string, { count: number; bytes: number }> = {};
    for (const c of report.collected) {
      const entry = (byType[c.type] ??= { count: 0, bytes: 0 });
      entry.count++;
      entry.bytes += c.bytes;
    }
    return { ...report, collected: report.collected.map((c) => ({ object: `${c.type}@${c.offset}`, bytes: c.bytes })), byType };
  } finally {
    pool.close();
  }
}
