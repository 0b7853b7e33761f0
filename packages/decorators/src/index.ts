/** @pmemts/decorators: decorators that record persistent layouts, and the recorded metadata. */
export { Persistent } from './Persistent';
export { Field } from './Field';
export { Ref } from './Ref';
export { LayoutDefinitionError } from './errors';
export { getRecordedLayout, isPersistentClass, LAYOUT_KEY } from './metadata';
export { SCALAR_TYPES } from './types';
export type {
  ScalarType,
  FieldType,
  FieldOptions,
  FieldSpec,
  PersistentOptions,
  MemoryOptions,
  RecordedField,
  RecordedLayout,
  Constructor,
} from './types';
