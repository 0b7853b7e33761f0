import { PmemError } from '@pmemts/native';

/** Thrown when a value does not fit a field (u8 given 300, a string over its capacity, a ref to another pool). Nothing was written. */
export class FieldValueError extends PmemError {
  readonly type: string;
  readonly field: string;

  constructor(type: string, field: string, message: string) {
    super(`${type}.${field}: ${message}`, 'FIELD_VALUE');
    this.type = type;
    this.field = field;
  }
}
