/**
 * The defragmentation journal: a pool allocation of PMEMoid entries that pmemobj_defrag updates for
 * the pointers it cannot update where they live (raw u64 offsets have no uuid in front of them). Each
 * entry is {uuid, target} {uuid, container} rel: the object pointed at, the allocation holding the raw
 * pointer (both updated by pmemobj_defrag when they move) and the pointer's place in it. After
 * pmemobj_defrag, each raw pointer gets its entry's target written back, an idempotent store, so a
 * crash at any point is finished by running the write-back again: the next open does it (the catalog
 * section `defrag` names the journal; Pool.open calls finishInterruptedDefrag). Entries without a
 * container are witnesses: one per object that may move, so the caller learns where each went.
 */
import { PoolCorruptError } from '@pmemts/native';
import { DEFRAG_JOURNAL_TYPE_NUM } from '@pmemts/decorators';
import { readCatalog, updateCatalogSection } from '../pool/catalog';
import type { PoolSession } from '../pool/PoolSession';
import { readOffset, writeOffset } from '../collections/node-format';
import type { RawPointer } from './pointer-map';

export { DEFRAG_JOURNAL_TYPE_NUM };
export const DEFRAG_SECTION = 'defrag';

const ENTRY = 40;
const HEADER = 8;
const Entry = { targetOid: 0, containerOid: 16, rel: 32 } as const;

/** A written journal: where it is and how many entries (witnesses first) it has. */
export interface Journal {
  readonly table: number;
  readonly witnesses: number;
  readonly entries: number;
}

/**
 * Allocates and fills the journal, and names it in the catalog, in one transaction: witnesses for
 * `targets`, then one entry per raw pointer.
 */
export function writeJournal(session: PoolSession, rootRecord: number, targets: readonly number[], raws: readonly RawPointer[]): Journal {
  const entries = targets.length + raws.length;
  return session.tx.atomically(() => {
    const table = session.tx.allocate(HEADER + entries * ENTRY, DEFRAG_JOURNAL_TYPE_NUM, 'defrag journal');
    const dv = session.dv;
    writeOffset(dv, table, entries);
    const put = (i: number, target: number, container: number, rel: number) => {
      const e = table + HEADER + i * ENTRY;
      dv.setBigUint64(e + Entry.targetOid, session.uuidLo, true);
      writeOffset(dv, e + Entry.targetOid + 8, target);
      if (container !== 0) dv.setBigUint64(e + Entry.containerOid, session.uuidLo, true);
      writeOffset(dv, e + Entry.containerOid + 8, container);
      writeOffset(dv, e + Entry.rel, rel);
    };
    targets.forEach((target, i) => put(i, target, 0, 0));
    raws.forEach((p, i) => put(targets.length + i, p.target, p.container, p.at - p.container));
    updateCatalogSection(session, rootRecord, DEFRAG_SECTION, { table });
    return { table, witnesses: targets.length, entries };
  });
}

/** Pool address of entry i's target PMEMoid. */
export function targetOidAt(journal: Journal, i: number): number {
  return journal.table + HEADER + i * ENTRY + Entry.targetOid;
}

/** Pool address of entry i's container PMEMoid. */
export function containerOidAt(journal: Journal, i: number): number {
  return journal.table + HEADER + i * ENTRY + Entry.containerOid;
}

/** Where witness i's object is now. */
export function witnessTarget(session: PoolSession, journal: Journal, i: number): number {
  return readOffset(session.dv, targetOidAt(journal, i) + 8);
}

/** Writes every raw pointer's current target back to where its container now is, persisted. */
function writeBack(session: PoolSession, table: number): void {
  const dv = session.dv;
  const native = session.native;
  const entries = readOffset(dv, table);
  for (let i = 0; i < entries; i++) {
    const e = table + HEADER + i * ENTRY;
    const container = readOffset(dv, e + Entry.containerOid + 8);
    if (container === 0) continue;
    const at = container + readOffset(dv, e + Entry.rel);
    if (at + 8 > native.size) throw new PoolCorruptError(`${native.path}: defragmentation journal entry ${i} points outside the pool`, 'DEFRAG_JOURNAL_CORRUPT');
    writeOffset(dv, at, readOffset(dv, e + Entry.targetOid + 8));
    native.flush(at, 8);
  }
  native.drain();
}

/** Writes the raw pointers back, then frees the journal and drops its catalog section in one transaction. */
export function finishJournal(session: PoolSession, rootRecord: number, table: number): void {
  writeBack(session, table);
  session.tx.atomically(() => {
    session.tx.free(null, table, 'defrag journal');
    updateCatalogSection(session, rootRecord, DEFRAG_SECTION, undefined);
  });
}

/**
 * Finishes a defragmentation a crash interrupted: called at open, before anything reads a raw
 * pointer. Does nothing when the catalog names no journal.
 * @throws {PoolCorruptError} DEFRAG_JOURNAL_CORRUPT when the catalog names something that is not a journal.
 */
export function finishInterruptedDefrag(session: PoolSession, rootRecord: number): boolean {
  const section = readCatalog(session, rootRecord)?.sections?.[DEFRAG_SECTION] as { table?: unknown } | undefined;
  if (section === undefined) return false;
  const table = section.table;
  const native = session.native;
  const valid =
    Number.isSafeInteger(table) && native.isObject(table as number) && native.typeNum(table as number) === DEFRAG_JOURNAL_TYPE_NUM &&
    native.usableSize(table as number) >= HEADER + readOffset(session.dv, table as number) * ENTRY;
  if (!valid) throw new PoolCorruptError(`${native.path}: the catalog names a defragmentation journal at ${String(table)}, which is not one`, 'DEFRAG_JOURNAL_CORRUPT');
  finishJournal(session, rootRecord, table as number);
  return true;
}
