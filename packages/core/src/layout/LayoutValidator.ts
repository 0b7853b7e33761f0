import { LayoutDefinitionError } from '@pmemts/decorators';
import type { TypeLayout } from './types';

/**
 * Checks a set of layouts that will share one pool: unique type names and type numbers.
 * @throws {LayoutDefinitionError} naming both clashing classes and the fix.
 */
export function validateLayouts(layouts: readonly TypeLayout[]): void {
  const byName = new Map<string, TypeLayout>();
  const byNum = new Map<number, TypeLayout>();
  for (const layout of layouts) {
    const sameName = byName.get(layout.name);
    if (sameName && sameName.ctor !== layout.ctor) {
      throw new LayoutDefinitionError(layout.name, undefined, 'two different classes use this type name; give one @Persistent({ name })');
    }
    const sameNum = byNum.get(layout.typeNum);
    if (sameNum && sameNum.ctor !== layout.ctor) {
      throw new LayoutDefinitionError(
        layout.name,
        undefined,
        `type number ${layout.typeNum} is also used by ${sameNum.name}; give one of them @Persistent({ typeNum })`,
      );
    }
    byName.set(layout.name, layout);
    byNum.set(layout.typeNum, layout);
  }
}
