import type { Inspected } from '../open';
import { counted, type Progress } from '../progress';

export function types({ pool, catalog }: Inspected, progress: Progress) {
  const counts = new Map<number, { count: number; bytes: number }>();
  progress.stage('types: counting objects', 'allocations');
  for (const o of counted(pool.heap(), progress)) {
    const c = counts.get(o.typeNum) ?? { count: 0, bytes: 0 };
    c.count++;
    c.bytes += o.usableSize;
    counts.set(o.typeNum, c);
  }
  return catalog.types.map((t) => ({
    name: t.name,
    typeNum: t.typeNum,
    version: t.version,
    size: t.size,
    objects: counts.get(t.typeNum)?.count ?? 0,
    bytes: counts.get(t.typeNum)?.bytes ?? 0,
    fields: t.fields.map((f) => ({ name: f.name, type: f.kind === 'scalar' ? f.scalar : f.target ? `${f.kind} ${f.target}` : f.kind, offset: f.offset, size: f.size })),
  }));
}
