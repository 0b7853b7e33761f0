import { PmemError } from '@pmemts/native';

/** Thrown when a value does not fit a field (u8 given 300, a string over its capacity, a ref to another pool). Nothing was written. */
export class FieldValueError extends PmemError {
  /** The class (its type name) the field belongs to. */
  readonly type: string;
  /** The field's path inside its class (`at.x` for a field of an embedded struct). */
  readonly field: string;
  /** What is wrong with the value, without the `Type.field: ` prefix. */
  readonly detail: string;

  constructor(type: string, field: string, detail: string) {
    super(`${type}.${field}: ${detail}`, 'FIELD_VALUE');
    this.type = type;
    this.field = field;
    this.detail = detail;
  }
}
