import { classThunk, isAlignment } from './metadata';
import { fieldDecorator, type FieldDecorator } from './signatures';
import type { Constructor, FieldOptions } from './types';

/**
 * Declares a typed persistent reference to another object, null allowed. It is stored as 16 bytes
 * {u64 pool_uuid_lo, u64 offset}, exactly libpmemobj's PMEMoid, so C reads it as `TOID(struct Target)`.
 * The target is a thunk so classes may refer to each other, and to themselves.
 *
 * @param target - a function returning the `@Persistent` class referred to: `() => Account`.
 * @param options - per-field options (`align`).
 * Works with `experimentalDecorators` and with TypeScript's standard decorators alike.
 *
 * @throws {LayoutDefinitionError} when `target` is not a function (or is the class itself instead of a
 * thunk), `align` is not a power of two up to 4096, or the member is static, a method, an accessor or a
 * #private field. Under standard decorators it is thrown when the class is decorated.
 * @example
 * ```ts
 * @Persistent()
 * class Node {
 *   @Field('i64') value!: bigint;
 *   @Ref(() => Node) next!: Node | null;
 * }
 * ```
 */
export function Ref(target: () => Constructor, options?: FieldOptions): FieldDecorator {
  return fieldDecorator('@Ref', (site) => {
    const thunk = classThunk(site, target, '@Ref needs', (name) => `@Ref(() => ${name})`);
    const extra = Object.keys(options ?? {}).filter((k) => k !== 'align');
    if (extra.length > 0) site.fail(`@Ref takes only { align }; remove ${extra.join(', ')}`);
    const align = options?.align;
    if (align === undefined) return { kind: 'ref', target: thunk };
    if (!isAlignment(align)) site.fail(`align must be a power of two from 1 to 4096 (64 = a cache line), got ${String(align)}`);
    return { kind: 'ref', target: thunk, align };
  });
}
