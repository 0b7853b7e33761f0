/**
 * What the collector and defragmentation may do with each allocation of a heap, by type number: the
 * session's classes and pmemts's own allocations the reachability walk understands can be collected
 * and moved; other reserved allocations (features that keep their own directory, such as regions) are
 * left alone; a user type number the session has no class for stops both, because the walk could
 * not see the references its objects hold.
 */
import { PoolError } from '@pmemts/native';
import { FIRST_RESERVED_TYPE_NUM } from '@pmemts/decorators';
import { RESERVED_ALLOCATION_NAMES, WALKED_RESERVED_TYPE_NUMS } from '../pool/reserved-allocations';
import type { PoolSession } from '../pool/PoolSession';
import type { HeapMap } from './reachability';


export interface HeapKinds {
  /** Name of a type number the walk understands (a class, or one of WALKED_RESERVED_TYPE_NUMS); undefined otherwise. */
  nameOf(typeNum: number): string | undefined;
}

/**
 * The heap's kinds for `what` (collect, defrag).
 * @throws {PoolError} TYPES_MISSING when the heap holds objects of a class the session was not opened with.
 */
export function heapKinds(session: PoolSession, heap: HeapMap, what: string): HeapKinds {
  const classes = new Map(session.layouts().map((l) => [l.typeNum, l.name]));
  const missing = new Set<number>();
  for (const typeNum of heap.values()) if (typeNum < FIRST_RESERVED_TYPE_NUM && !classes.has(typeNum)) missing.add(typeNum);
  if (missing.size > 0) {
    throw new PoolError(
      `${what}: the pool holds objects of type number${missing.size > 1 ? 's' : ''} ${[...missing].join(', ')}, whose class this session was not opened with, so the references they hold cannot be followed; open the pool with every class of its catalog (or use the pmemts CLI, which does)`,
      'TYPES_MISSING',
    );
  }
  return { nameOf: (typeNum) => classes.get(typeNum) ?? (WALKED_RESERVED_TYPE_NUMS.has(typeNum) ? RESERVED_ALLOCATION_NAMES.get(typeNum) : undefined) };
}
