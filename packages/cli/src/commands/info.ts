import * as native from '@pmemts/native';
import { describeRecovery, mappingKind, type MappingKind, type PendingRecovery } from '@pmemts/core';
import type { Inspected } from '../open';
import { counted, type Progress } from '../progress';

const MAPPING_TEXT: Record<MappingKind, string> = {
  dax: 'DAX: persistent memory (cache-line flushes)',
  forced: 'forced: PMEM_IS_PMEM_FORCE=1 (cache-line flushes on an ordinary mapping, not durable across power loss)',
  msync: 'msync-backed ordinary file',
};

/** What the lanes held before the CLI opened the pool (scanned first: the open recovers them), and how long the open took. */
export interface OpenedFor {
  readonly pending: PendingRecovery | null;
  readonly openMs: number;
}

export function info({ pool, catalog, layout, file }: Inspected, progress: Progress, opened?: OpenedFor) {
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
    mapping: MAPPING_TEXT[mappingKind(pool)],
    isPmem: pool.isPmem,
    uuidLo: `0x${pool.uuidLo.toString(16)}`,
    libpmemobj: native.version.text,
    lastShutdown: pool.lastShutdownClean ? 'clean' : 'not clean (the last session ended without close)',
    recovery: describeRecovery(
      opened === undefined
        ? pool.recovery
        : {
            ...pool.recovery,
            transactionRolledBack: opened.pending === null ? null : opened.pending.lanesToRollBack > 0,
            lanesRolledBack: opened.pending?.lanesToRollBack ?? 0,
            lanesReplayed: opened.pending?.lanesToReplay ?? 0,
            openMs: opened.openMs,
          },
    ),
    allocations: objects,
    usedBytes: used,
    types: catalog.types.length,
    catalog: catalog.types.map((t) => `${t.name} v${t.version} (#${t.typeNum}, ${t.size} B)`),
  };
}
