import { openForInspection, type DefragReport, type SpaceUsage } from '@pmemts/core';
import type { Progress } from '../progress';
import { table } from '../format';

/** pmemts defrag: pool.defrag() on a pool opened with the classes of its catalog. */
export function defrag(file: string, layout: string | undefined, progress: Progress): DefragReport {
  progress.stage(`defrag: opening ${file}`);
  const { pool } = openForInspection(file, { layout, writable: true });
  try {
    progress.stage('defrag: moving objects');
    return pool.defrag();
  } finally {
    pool.close();
  }
}

/** The report as text: what moved, then occupancy before and after. */
export function defragText(report: DefragReport): string {
  const row = (label: string, of: (u: SpaceUsage) => number | string) => [label, of(report.before), of(report.after)];
  return [
    `moved ${report.relocated} of ${report.total} objects looked at (${report.candidates} movable, ${report.pointers} pointers given to pmemobj_defrag)`,
    table(
      ['', 'before', 'after'],
      [
        row('allocations', (u) => u.allocations),
        row('allocated bytes', (u) => u.allocatedBytes),
        row('256 KiB chunks in use', (u) => u.chunks),
        row('chunk fragmentation', (u) => `${(u.chunkFragmentation * 100).toFixed(1)}%`),
        row('heap end', (u) => u.heapEnd),
        row('stats.heap.run_allocated', (u) => u.runAllocated),
        row('stats.heap.run_active', (u) => u.runActive),
        row('stats run fragmentation', (u) => `${(u.runFragmentation * 100).toFixed(1)}%`),
      ],
    ),
  ].join('\n');
}
