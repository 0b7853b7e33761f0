import { classThunk, isAlignment, propertySite, recordField } from './metadata';
import type { Constructor, FieldOptions } from './types';

/**
 * Declares a typed persistent reference to another object, null allowed. It is stored as 16 bytes
 * {u64 pool_uuid_lo, u64 offset}, exactly libpmemobj's PMEMoid, so C reads it as `TOID(struct Target)`.
 * The target is a thunk so classes may refer to each other, and to themselves.
 *
 * @param target - a function returning the @Persistent class referred to: `() => Account`.
 * @param options - per-field options (`align`).
 * @throws {LayoutDefinitionError} when `target` is not a function (or is the class itself instead of a
 * thunk), `align` is not a power of two up to 4096, or the member is static, a method or an accessor.
 * @example
 * ```ts
 * @Persistent()
 * class Node {
 *   @Field('i64') value!: bigint;
 *   @Ref(() => Node) next!: Node | null;
 * }
 * ```
 */
export function Ref(target: () => Constructor, options?: FieldOptions): PropertyDecorator {
  return (proto: object, key: string | symbol, descriptor?: PropertyDescriptor) => {
    const site = propertySite(proto, key, descriptor, '@Ref');
    const thunk = classThunk(site, target, '@Ref needs', (name) => `@Ref(() => ${name})`);
    const extra = Object.keys(options ?? {}).filter((k) => k !== 'align');
    if (extra.length > 0) site.fail(`@Ref takes only { align }; remove ${extra.join(', ')}`);
    const align = options?.align;
    if (align === undefined) return recordField(site, { kind: 'ref', target: thunk });
    if (!isAlignment(align)) site.fail(`align must be a power of two from 1 to 4096 (64 = a cache line), got ${String(align)}`);
    recordField(site, { kind: 'ref', target: thunk, align });
  };
}
