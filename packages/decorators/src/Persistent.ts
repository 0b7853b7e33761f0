import { LayoutDefinitionError } from './errors';
import { FIRST_RESERVED_TYPE_NUM, isAlignment, isCIdentifier, recordedLayoutFor } from './metadata';
import { classDecorator, type PersistentDecorator } from './signatures';
import type { PersistentOptions } from './types';

const OPTION_KEYS = ['name', 'typeNum', 'version', 'align', 'memory'];

/**
 * Marks a class as a persistent layout. It only records the options: @pmemts/core lays the class out
 * when a pool opens with it in its `types`.
 *
 * A `@Persistent` subclass of a `@Persistent` class is a type of its own (its own name and type number;
 * options are not inherited) whose fields are the parent's, at the parent's offsets, followed by its
 * own.
 *
 * Works with `experimentalDecorators` and with TypeScript's standard decorators alike; under standard
 * decorators it also records the class's fields, which their decorators could not (they do not see
 * the class).
 *
 * @param options - type name, type number, layout version, alignment and memory settings.
 * @throws {LayoutDefinitionError} when an option is malformed or unknown, the type name is not a C
 * identifier, or the class is already decorated; under standard decorators also for a malformed field
 * of the class (see `Field`, `Ref`), or when it is put on a member instead of a class.
 * @example
 * ```ts
 * @Persistent({ name: 'Account', version: 2, align: 64 })
 * class Account { ... }
 * ```
 */
export function Persistent(options: PersistentOptions = {}): PersistentDecorator {
  return classDecorator('@Persistent', (target) => {
    const fail = (message: string): never => {
      throw new LayoutDefinitionError(target.name || '(anonymous class)', undefined, message);
    };
    if (typeof options !== 'object' || options === null) fail('@Persistent options must be an object');
    const extra = Object.keys(options).filter((k) => !OPTION_KEYS.includes(k));
    if (extra.length > 0) fail(`@Persistent takes ${OPTION_KEYS.join(', ')}; remove ${extra.join(', ')}`);
    const { name, typeNum, version, align, memory } = options;
    if (name !== undefined && !isCIdentifier(name)) {
      fail(`name must be a C identifier (letters, digits, _; not starting with a digit), got ${JSON.stringify(name)}`);
    }
    if (name === undefined && !isCIdentifier(target.name)) {
      fail(`the class name ${JSON.stringify(target.name)} is not a C identifier; give one: @Persistent({ name: 'Account' })`);
    }
    if (typeNum !== undefined && (!Number.isInteger(typeNum) || typeNum < 1 || typeNum >= FIRST_RESERVED_TYPE_NUM)) {
      fail(`typeNum must be an integer from 1 to ${FIRST_RESERVED_TYPE_NUM - 1} (higher numbers are reserved by pmemts), got ${String(typeNum)}`);
    }
    if (version !== undefined && (!Number.isInteger(version) || version < 1 || version > 0xffffffff)) {
      fail(`version must be an integer from 1 to 2^32 - 1, got ${String(version)}`);
    }
    if (align !== undefined && !isAlignment(align)) fail(`align must be a power of two from 1 to 4096 (64 = a cache line), got ${String(align)}`);
    if (memory !== undefined && (typeof memory !== 'object' || memory === null || Array.isArray(memory))) {
      fail('memory must be an object of memory settings (HybridMemoryConfig)');
    }
    const recorded = recordedLayoutFor(target);
    if (recorded.options !== undefined) fail('is decorated with @Persistent twice; keep one');
    recorded.options = { ...options };
  });
}
