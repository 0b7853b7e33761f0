import type { Inspected } from '../open';
import { counted, type Progress } from '../progress';
import { RESERVED_ALLOCATION_NAMES } from '@pmemts/core';

/** Allocation by class and by size class, and a fragmentation estimate (slack inside allocations). */
export function stats({ pool, catalog }: Inspected, progress: Progress) {
  const names = new Map(catalog.types.map((t) => [t.typeNum, t]));
  const byClass = new Map<string, { objects: number; usableBytes: number; payloadBytes: number }>();
  const bySize = new Map<number, number>();
  let usable = 0;
  let payload = 0;
  progress.stage('stats: walking the heap', 'allocations');
  for (const o of counted(pool.heap(), progress)) {
    const type = names.get(o.typeNum);
    const name = type?.name ?? RESERVED_ALLOCATION_NAMES.get(o.typeNum) ?? `type#${o.typeNum}`;
    const size = type?.size ?? o.usableSize;
    const c = byClass.get(name) ?? { objects: 0, usableBytes: 0, payloadBytes: 0 };
    c.objects++;
    c.usableBytes += o.usableSize;
    c.payloadBytes += size;
    byClass.set(name, c);
    const bucket = 2 ** Math.ceil(Math.log2(Math.max(o.usableSize, 1)));
    bySize.set(bucket, (bySize.get(bucket) ?? 0) + 1);
    usable += o.usableSize;
    payload += size;
  }
  return {
    poolBytes: pool.size,
    allocatedBytes: usable,
    freeBytesEstimate: Math.max(0, pool.size - usable),
    internalFragmentation: usable === 0 ? 0 : Number(((usable - payload) / usable).toFixed(4)),
    byClass: [...byClass].map(([name, c]) => ({ name, ...c })),
    bySize: [...bySize].sort((a, b) => a[0] - b[0]).map(([upTo, objects]) => ({ upTo, objects })),
  };
}
