/**
 * Checks that resolved layouts can share one pool, and that the classes being resolved do not embed
 * themselves. Every failure is a LayoutDefinitionError naming the class (and field) and the fix.
 */
import { FIRST_RESERVED_TYPE_NUM, isAlignment, LayoutDefinitionError } from '@pmemts/decorators';
import { MAX_ALLOC_SIZE } from '@pmemts/native';
import type { TypeLayout } from './types';

/** The largest object libpmemobj allocates (PMEMOBJ_MAX_ALLOC_SIZE). */
export const MAX_OBJECT_SIZE = MAX_ALLOC_SIZE;

/**
 * Checks a set of layouts that will share one pool: unique type names and type numbers (derived
 * numbers can collide), type numbers below pmemts's reserved range, alignments that are powers of
 * two up to 4096, object sizes libpmemobj can allocate, and ref targets that are in the set.
 * @throws {LayoutDefinitionError} at the first problem, naming both classes of a clash.
 */
export function validateLayouts(layouts: Iterable<TypeLayout>): void {
  const all = [...layouts];
  const byName = new Map<string, TypeLayout>();
  const byNum = new Map<number, TypeLayout>();
  for (const layout of all) {
    const fail = (message: string, field?: string): never => {
      throw new LayoutDefinitionError(layout.name, field, message);
    };
    const sameName = byName.get(layout.name);
    if (sameName !== undefined && sameName.ctor !== layout.ctor) {
      fail(`classes ${sameName.ctor.name} and ${layout.ctor.name} both use this type name; rename one: @Persistent({ name })`);
    }
    const sameNum = byNum.get(layout.typeNum);
    if (sameNum !== undefined && sameNum.ctor !== layout.ctor) {
      fail(`type number ${layout.typeNum} is also used by ${sameNum.name} (numbers derived from names can collide); give one of them @Persistent({ typeNum })`);
    }
    if (!Number.isInteger(layout.typeNum) || layout.typeNum < 1 || layout.typeNum >= FIRST_RESERVED_TYPE_NUM) {
      fail(`type number ${layout.typeNum} is outside [1, ${FIRST_RESERVED_TYPE_NUM - 1}] (higher numbers are reserved by pmemts)`);
    }
    if (!isAlignment(layout.align)) fail(`alignment ${layout.align} is not a power of two from 1 to 4096`);
    if (layout.size > MAX_OBJECT_SIZE) fail(`is ${layout.size} bytes; libpmemobj allocates at most ${MAX_OBJECT_SIZE}: move large fields to heapBytes`);
    for (const field of layout.fields) {
      if (!isAlignment(field.align)) fail(`alignment ${field.align} is not a power of two from 1 to 4096`, field.name);
      if (field.kind !== 'ref' && field.value?.kind !== 'ref') continue;
      const target = field.target!();
      if (!all.some((l) => l.ctor === target)) {
        fail(`refers to ${field.targetName}, which is not among the pool's types; add it to types`, field.name);
      }
    }
    byName.set(layout.name, layout);
    byNum.set(layout.typeNum, layout);
  }
}

/**
 * Refuses to embed a class in itself, directly or through other structs: it would be infinitely large.
 * @param chain - the classes being resolved, outermost first, ending with the one embedding `next`.
 * @throws {LayoutDefinitionError} naming the embedding field and the cycle; the fix is a @Ref.
 */
export function assertNotEmbedded(chain: readonly Function[], field: string, next: Function): void {
  if (!chain.includes(next)) return;
  const path = [...chain.slice(chain.indexOf(next)), next].map((c) => c.name).join(' → ');
  throw new LayoutDefinitionError(
    chain[chain.length - 1].name,
    field,
    `embeds ${next.name}, which contains it (${path}), so it would be infinitely large; point at it with @Ref(() => ${next.name}) instead`,
  );
}
