/**
 * The process's live views of objects the collector frees or defragmentation moves. PoolSession keeps
 * them in its identity map (offset -> WeakRef of the view), which it does not expose; this module is
 * the one place that reads it, through TypeScript's element-access escape hatch, until PoolSession
 * offers the two operations below itself (see docs/space.md, "Hooks").
 */
import { collectionSession } from '../collections/collection-session';
import { STATE, type View, type ViewState } from '../objects/view-state';
import type { PoolSession } from '../pool/PoolSession';

type IdentityMap = Map<number, WeakRef<View>>;

function identityOf(session: PoolSession): IdentityMap {
  return session['identity'] as IdentityMap;
}

/** The state of the live view of the object at `offset`, or null when the process holds none. */
export function liveViewState(session: PoolSession, offset: number): ViewState | null {
  const state = identityOf(session).get(offset)?.deref()?.[STATE];
  return state !== undefined && state.offset === offset ? state : null;
}

/**
 * Points the live views of moved objects at their new offsets (old -> new), re-keys the identity
 * map, and makes every map/vector iterator made before the move fail on its next step (it may hold
 * node offsets that moved). Returns how many views were fixed.
 */
export function relocateViews(session: PoolSession, moves: ReadonlyMap<number, number>): number {
  const identity = identityOf(session);
  const fixed: [number, WeakRef<View>][] = [];
  for (const [from, to] of moves) {
    const ref = identity.get(from);
    const state = ref?.deref()?.[STATE];
    if (ref === undefined || state === undefined || state.offset !== from) continue;
    identity.delete(from);
    state.offset = to;
    fixed.push([to, ref]);
  }
  // Set after every delete: an object may have moved to where another one was.
  for (const [to, ref] of fixed) identity.set(to, ref);
  const epochs = collectionSession(session)['epochs'] as Map<number, { version: number }>;
  for (const epoch of epochs.values()) epoch.version++;
  return fixed.length;
}
