/**
 * Pinned objects: extra roots of the reachability walk, for objects an application finds through
 * `pool.objects()` instead of through the root. The pin list is the catalog section `pins`, a list of
 * [offset, type number] pairs: each pin rewrites the catalog, so pins are for a few entry points, not
 * for every object (put many objects in a map or vector the root reaches). Pinned objects do not move
 * in a defragmentation: the pin list is JSON, not a pointer pmemobj_defrag can update. `pool.free`
 * does not unpin (it would read the catalog on every free): a pin outlives its object, pins nothing
 * while the memory is free or holds another class, and pins the next object of the same class
 * allocated at the same offset (kept, never lost) until a pin or unpin drops it.
 */
import { readCatalog, updateCatalogSection } from '../pool/catalog';
import type { PoolSession } from '../pool/PoolSession';

export const PINS_SECTION = 'pins';

type PinList = Array<[offset: number, typeNum: number]>;

function readPins(session: PoolSession, rootRecord: number): PinList {
  const pins = readCatalog(session, rootRecord)?.sections?.[PINS_SECTION];
  if (!Array.isArray(pins)) return [];
  return pins.filter((p): p is [number, number] => Array.isArray(p) && Number.isSafeInteger(p[0]) && Number.isSafeInteger(p[1]));
}

/**
 * Offsets of the pinned objects that are still live with the type they were pinned with (a pin of an
 * object freed since, whose memory another allocation took, pins nothing).
 */
export function pinnedObjects(session: PoolSession, rootRecord: number): number[] {
  const native = session.native;
  return readPins(session, rootRecord)
    .filter(([offset, typeNum]) => native.isObject(offset) && native.typeNum(offset) === typeNum)
    .map(([offset]) => offset);
}

/** Whether the object at `offset` is pinned (with the type number it has now). */
export function isPinned(session: PoolSession, rootRecord: number, offset: number): boolean {
  return pinnedObjects(session, rootRecord).includes(offset);
}

/**
 * Pins (or unpins) the object at `offset`, inside the running transaction. Pins of objects no longer
 * live are dropped on the way, so freed objects do not keep their pins.
 */
export function setPinned(session: PoolSession, rootRecord: number, offset: number, typeNum: number, pinned: boolean): void {
  const native = session.native;
  const kept = readPins(session, rootRecord).filter(([o, t]) => o !== offset && native.isObject(o) && native.typeNum(o) === t);
  if (pinned) kept.push([offset, typeNum]);
  updateCatalogSection(session, rootRecord, PINS_SECTION, kept.length === 0 ? undefined : kept);
}
