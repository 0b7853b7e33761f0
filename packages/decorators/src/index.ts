/** @pmemts/decorators: decorators that record persistent layouts, and the recorded metadata. The whole public surface. */
export { Persistent } from './Persistent';
export { Field } from './Field';
export { Ref } from './Ref';
export { LayoutDefinitionError } from './errors';
export type { FieldDecorator, PersistentDecorator } from './signatures';
export {
  getRecordedLayout,
  isPersistentClass,
  persistentNameOf,
  isAlignment,
  LAYOUT_KEY,
  SCALAR_TYPES,
  FIRST_RESERVED_TYPE_NUM,
  CATALOG_TYPE_NUM,
  BLOB_TYPE_NUM,
  COLLECTION_HEADER_TYPE_NUM,
  COLLECTION_NODE_TYPE_NUM,
  REGION_TYPE_NUM,
  BLOCK_STORE_TYPE_NUM,
  DEFRAG_JOURNAL_TYPE_NUM,
} from './metadata';
export type {
  ScalarType,
  FieldType,
  FieldOptions,
  FieldSpec,
  MapKeyType,
  CollectionValueType,
  CollectionKeySpec,
  CollectionValueSpec,
  PersistentOptions,
  HybridMemoryOptions,
  RecordedField,
  RecordedLayout,
  Constructor,
} from './types';
