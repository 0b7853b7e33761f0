import * as native from '@pmemts/native';
import type { Inspected } from '../open';

export function info({ pool, catalog, layout, file }: Inspected) {
  let used = 0;
  let objects = 0;
  for (const o of pool.heap()) {
    used += o.usableSize;
    objects++;
  }
  return {
    file,
    size: pool.size,
    layout,
    mapping: pool.isPmem ? 'persistent memory (cache-line flushes)' : 'ordinary file (msync)',
    isPmem: pool.isPmem,
    uuidLo: `0x${pool.uuidLo.toString(16)}`,
    libpmemobj: native.version.text,
    lastShutdown: pool.lastShutdownClean ? 'clean' : 'not clean (the last session ended without close)',
    allocations: objects,
    usedBytes: used,
    types: catalog.types.length,
    catalog: catalog.types.map((t) => `${t.name} v${t.version} (#${t.typeNum}, ${t.size} B)`),
  };
}
