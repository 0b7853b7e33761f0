/**
 * Versions of one class for the schema tests: each call declares a fresh class named `name` at
 * `version` with the fields `declare` puts on it (experimentalDecorators form, applied by hand).
 */
import 'reflect-metadata';
import { Field, Persistent, Ref, type PersistentClass } from '@pmemts/core';

type FieldArgs = Parameters<typeof Field>;

export interface ClassBuilder {
  field(name: string, ...args: FieldArgs): ClassBuilder;
  ref(name: string, target: () => Function): ClassBuilder;
}

export function versionOf(name: string, version: number, declare: (c: ClassBuilder) => void): PersistentClass<any> {
  const ctor = { [name]: class {} }[name];
  const builder: ClassBuilder = {
    field(field, ...args) {
      Field(...args)(ctor.prototype, field);
      return builder;
    },
    ref(field, target) {
      Ref(target as never)(ctor.prototype, field);
      return builder;
    },
  };
  declare(builder);
  Persistent({ name, version })(ctor);
  return ctor as unknown as PersistentClass<any>;
}
