import { LayoutDefinitionError } from './errors';
import { recordedLayoutFor } from './metadata';
import type { PersistentOptions } from './types';

const MAX_TYPE_NUM = 0x7fffff00; // numbers from here up are reserved by pmemts

/**
 * Marks a class as a persistent layout. Records options only; @pmemts/core builds the layout when a
 * pool opens with the class in its `types`.
 * @throws {LayoutDefinitionError} on malformed options.
 */
export function Persistent(options: PersistentOptions = {}): ClassDecorator {
  return (target) => {
    const className = target.name || '(anonymous class)';
    const fail = (message: string): never => {
      throw new LayoutDefinitionError(className, undefined, message);
    };
    if (typeof options !== 'object' || options === null) fail('@Persistent options must be an object');
    const { name, typeNum, version, align, memory } = options;
    if (name !== undefined && (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))) {
      fail(`name must be a C identifier (letters, digits, _), got ${JSON.stringify(name)}`);
    }
    if (name === undefined && !target.name) fail('an anonymous class needs @Persistent({ name })');
    if (typeNum !== undefined && (!Number.isInteger(typeNum) || typeNum < 1 || typeNum >= MAX_TYPE_NUM)) {
      fail(`typeNum must be an integer in [1, ${MAX_TYPE_NUM - 1}], got ${String(typeNum)}`);
    }
    if (version !== undefined && (!Number.isInteger(version) || version < 1 || version > 0xffffffff)) {
      fail(`version must be a positive integer, got ${String(version)}`);
    }
    if (align !== undefined && !isAlignment(align)) fail(`align must be a power of two between 1 and 4096, got ${String(align)}`);
    if (memory !== undefined && (typeof memory !== 'object' || memory === null)) fail('memory must be a HybridMemoryConfig object');
    recordedLayoutFor(target).options = { ...options };
  };
}

export function isAlignment(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 4096 && (value & (value - 1)) === 0;
}
