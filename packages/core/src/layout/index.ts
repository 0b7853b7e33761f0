export { resolveLayouts, resolveLayout, typeNumOf } from './LayoutDiscovery';
export { validateLayouts } from './LayoutValidator';
export { generateCHeader } from './c-header';
export type { CHeaderOptions } from './c-header';
export { SCALAR_SIZE, alignUp } from './offsets';
export type { TypeLayout, FieldLayout, FieldKind } from './types';
