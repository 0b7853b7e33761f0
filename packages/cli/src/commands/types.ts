import type { Inspected } from '../open';

export function types({ pool, catalog }: Inspected) {
  const counts = new Map<number, { count: number; bytes: number }>();
  for (const o of pool.heap()) {
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
