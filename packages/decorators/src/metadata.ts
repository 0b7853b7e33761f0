/**
 * Where decorators record layouts: an own property of the class under Symbol.for('pmemts.layout'), so
 * several copies of this package agree and nothing leaks into instances.
 */
import type { Constructor, RecordedLayout } from './types';

export const LAYOUT_KEY = Symbol.for('pmemts.layout');

/** The layout recorded on `ctor` itself (not inherited), or undefined. */
export function getRecordedLayout(ctor: Function): RecordedLayout | undefined {
  return Object.prototype.hasOwnProperty.call(ctor, LAYOUT_KEY) ? (ctor as unknown as Record<symbol, RecordedLayout>)[LAYOUT_KEY] : undefined;
}

/** The layout of `ctor`, created empty on first use. */
export function recordedLayoutFor(ctor: Function): RecordedLayout {
  let layout = getRecordedLayout(ctor);
  if (layout === undefined) {
    layout = { ctor: ctor as Constructor, fields: [] };
    Object.defineProperty(ctor, LAYOUT_KEY, { value: layout, enumerable: false });
  }
  return layout;
}

/** Whether `ctor` was decorated with @Persistent. */
export function isPersistentClass(ctor: unknown): boolean {
  return typeof ctor === 'function' && getRecordedLayout(ctor)?.options !== undefined;
}
