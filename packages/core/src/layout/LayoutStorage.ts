import { validateLayouts } from './LayoutValidator';
import type { TypeLayout } from './types';

/**
 * The layouts of one pool, by class, by type name and by type number. Built from a validated set,
 * so each key names exactly one layout.
 */
export class LayoutStorage implements Iterable<TypeLayout> {
  private readonly byCtor = new Map<Function, TypeLayout>();
  private readonly byName = new Map<string, TypeLayout>();
  private readonly byNum = new Map<number, TypeLayout>();

  /**
   * @param layouts - resolved layouts (see `resolveLayouts`); a layout given twice is kept once.
   * @throws {LayoutDefinitionError} when the layouts cannot share a pool (see `validateLayouts`).
   */
  constructor(layouts: Iterable<TypeLayout>) {
    const all = [...layouts];
    validateLayouts(all);
    for (const layout of all) {
      this.byCtor.set(layout.ctor, layout);
      this.byName.set(layout.name, layout);
      this.byNum.set(layout.typeNum, layout);
    }
  }

  /** The layout of `ctor`, or undefined when it is not one of these classes. */
  get(ctor: Function): TypeLayout | undefined {
    return this.byCtor.get(ctor);
  }

  /** The layout with this stable type name. */
  getByName(name: string): TypeLayout | undefined {
    return this.byName.get(name);
  }

  /** The layout whose objects carry this libpmemobj type number. */
  getByTypeNum(typeNum: number): TypeLayout | undefined {
    return this.byNum.get(typeNum);
  }

  /** Whether `ctor` is one of these classes. */
  has(ctor: Function): boolean {
    return this.byCtor.has(ctor);
  }

  /** How many layouts there are. */
  get size(): number {
    return this.byCtor.size;
  }

  /** Every layout, in the order they were resolved. */
  all(): TypeLayout[] {
    return [...this.byCtor.values()];
  }

  /** Every layout, in the order they were resolved. */
  [Symbol.iterator](): Iterator<TypeLayout> {
    return this.byCtor.values();
  }
}
