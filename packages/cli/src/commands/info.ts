import * as native from '@pmemts/native';
import type { Inspected } from '../open';
import { counted, type Progress } from '../progress';

export function info({ pool, catalog, layout, file }: Inspected, progress: Progress) {
  let used = 0;
  let objects = 0;
  progress.stage('info: walking the heap', 'allocations');
  for (const o of counted(pool.heap(), progress)) {
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
