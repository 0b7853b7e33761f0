import { site, record } from './Field';
import { isAlignment } from './Persistent';
import type { Constructor, FieldOptions } from './types';

/**
 * Declares a typed persistent reference (a PMEMoid: pool uuid + offset, 16 bytes), null allowed.
 * `target` is a thunk so classes may refer to each other (and to themselves).
 * @throws {LayoutDefinitionError} when target is not a function.
 */
export function Ref(target: () => Constructor, options?: FieldOptions): PropertyDecorator {
  return (proto, key) => {
    const { property, fail } = site(proto, key, '@Ref');
    if (typeof target !== 'function') fail('@Ref needs a function returning the target class: @Ref(() => Account)');
    const align = options?.align;
    if (align !== undefined && !isAlignment(align)) fail(`align must be a power of two between 1 and 4096, got ${String(align)}`);
    record(proto, property, { kind: 'ref', target, ...(align !== undefined ? { align } : {}) }, fail);
  };
}
