/** Every error class of pmemts. The base and the device-level classes come from the native layer. */
export {
  PmemError,
  PoolError,
  PoolCorruptError,
  PoolClosedError,
  TransactionError,
  OutOfSpaceError,
  OutOfBoundsError,
  InvalidObjectError,
  isPmemError,
} from '@pmemts/native';
export { SchemaMismatchError } from './SchemaMismatchError';
export type { SchemaDifference, SchemaMismatchReason } from './SchemaMismatchError';
export { FieldValueError } from './FieldValueError';
