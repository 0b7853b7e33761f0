/**
 * The property of a counter field: reading it gives the live PCounter (the same one for the same
 * object, so its stripe cursor lives as long as the session); assigning a value stores it through the
 * field's ordinary store (`plain`, the codec's path: stripe 0 holds the value, the others zero).
 */
import type { FieldLayout, TypeLayout } from '../layout';
import type { ResolvedMemoryConfig } from '../memory/config';
import type { SessionHost } from '../objects/session-host';
import { REL, STATE, type View, type ViewState } from '../objects/view-state';
import { CounterType, PCounter } from './PCounter';

export function counterAccessor(layout: TypeLayout, field: FieldLayout, session: SessionHost, memory: ResolvedMemoryConfig, plain: PropertyDescriptor): PropertyDescriptor {
  const fo = field.offset;
  // By view first (an object has one view per session); an embedded struct's views are made afresh on
  // each read, so its counter is found again by state and offset.
  const byView = new WeakMap<View, PCounter>();
  const byState = new WeakMap<ViewState, Map<number, PCounter>>();
  let type: CounterType | undefined;
  return {
    get(this: View) {
      const state = this[STATE];
      if (state.offset < 0) session.deadView(state);
      let counter = byView.get(this);
      if (counter !== undefined) return counter;
      const at = this[REL] + fo;
      let counters = byState.get(state);
      if (counters === undefined) byState.set(state, (counters = new Map()));
      counter = counters.get(at);
      if (counter === undefined) {
        type ??= new CounterType(session, layout, field, memory);
        counters.set(at, (counter = new PCounter(type, state, at)));
      }
      byView.set(this, counter);
      return counter;
    },
    set: plain.set,
  };
}
