/** Layouts of `@Persistent` classes: discovery, validation, the registry, offset rules and the C header. */
export { discoverLayouts, resolveLayouts, resolveLayout, typeNumOf } from './LayoutDiscovery';
export { LayoutStorage } from './LayoutStorage';
export { validateLayouts, MAX_OBJECT_SIZE } from './LayoutValidator';
export { generateCHeader } from './c-header';
export type { CHeaderOptions } from './c-header';
export { SCALAR_SIZE, INLINE_STRING_HEADER, SLOT_SIZE, COUNTER_STRIPE_SIZE, alignUp, naturalPlacement } from './offsets';
export type { TypeLayout, FieldLayout, FieldKind, PersistentClass } from './types';
