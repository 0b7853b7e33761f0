/**
 * The two ways TypeScript calls a decorator, behind one function each:
 * - `experimentalDecorators` (legacy): a property decorator gets `(prototype, key)`, a class decorator
 *   `(constructor)`; `emitDecoratorMetadata` adds `design:type`, read through reflect-metadata.
 * - TC39 standard decorators (TypeScript 5's default): `(undefined, context)` with `context.kind ===
 *   'field'`, and `(constructor, context)` with `context.kind === 'class'`. A field decorator does not
 *   see its class, so its work is deferred into `context.metadata` and done by the class decorator
 *   (or on first use of a class without one), where errors can name the class.
 * Both paths resolve a field through the same PropertySite, so the recorded layout is the same.
 */
import 'reflect-metadata';
import { LayoutDefinitionError } from './errors';
import { deferField, recordDeferredFields, recordFields, type PropertySite } from './metadata';
import type { FieldSpec } from './types';

/** What `@Field(…)` and `@Ref(…)` return: a property decorator for both compiler settings. */
export interface FieldDecorator {
  /** `experimentalDecorators`: applied to the class prototype and the property name. */
  (target: object, propertyKey: string | symbol): void;
  /** Standard decorators: applied to a class field. */
  (value: undefined, context: ClassFieldDecoratorContext): void;
}

/** What `@Persistent(…)` returns: a class decorator for both compiler settings. */
export interface PersistentDecorator {
  /** `experimentalDecorators`: applied to the class constructor. */
  (target: Function): void;
  /** Standard decorators: applied to the class. */
  (value: Function, context: ClassDecoratorContext): void;
}

/** Turns the site of a decorated property into its field spec; throws through `site.fail`. */
export type FieldSpecOf = (site: PropertySite) => FieldSpec;

/**
 * A field decorator named `decorator` (for messages) that records `specOf(site)`.
 * @throws {LayoutDefinitionError} see `legacySite` and `standardSite`; in standard mode when the
 * class is decorated (or first used), see `recordDeferredFields`.
 */
export function fieldDecorator(decorator: string, specOf: FieldSpecOf): FieldDecorator {
  return (target: object | undefined, key: string | symbol | DecoratorContext, descriptor?: PropertyDescriptor): void => {
    if (isContext(key)) {
      deferField(metadataOf(key, decorator), (ctor) => {
        const site = standardSite(ctor, key, decorator);
        return { site, spec: specOf(site) };
      });
      return;
    }
    const site = legacySite(target as object, key, descriptor, decorator);
    recordFields(site.ctor, [{ site, spec: specOf(site) }]);
  };
}

/**
 * A class decorator that records the fields deferred by standard field decorators, then runs `apply`.
 * Misplaced on a member in standard mode, it fails once the class is known.
 * @throws {LayoutDefinitionError} from a deferred field, or from `apply`.
 */
export function classDecorator(decorator: string, apply: (ctor: Function) => void): PersistentDecorator {
  return (value: Function | undefined, context?: DecoratorContext): void => {
    if (!isContext(context)) return apply(value as Function);
    if (context.kind !== 'class') {
      deferField(metadataOf(context, decorator), (ctor) => failAt(ctor, String(context.name))(`${decorator} decorates a class, not a member; put it on the class`));
      return;
    }
    recordDeferredFields(value as Function, context.metadata);
    apply(value as Function);
  };
}

function isContext(value: unknown): value is DecoratorContext {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string';
}

function failAt(ctor: Function | undefined, property: string): (message: string) => never {
  return (message) => {
    throw new LayoutDefinitionError(ctor?.name || '(anonymous class)', property, message);
  };
}

/**
 * `context.metadata`, which Symbol.metadata (polyfilled on import) makes TypeScript pass.
 * @throws {LayoutDefinitionError} when the compiler passed none (its decorators predate decorator metadata).
 */
function metadataOf(context: DecoratorContext, decorator: string): object {
  if (typeof context.metadata === 'object' && context.metadata !== null) return context.metadata;
  return failAt(undefined, String(context.name))(
    `${decorator} got no context.metadata: the compiler's standard decorators predate decorator metadata; use TypeScript 5.2 or later, or "experimentalDecorators": true`,
  );
}

/**
 * The site of a legacy property decorator.
 * @throws {LayoutDefinitionError} for a symbol key, a static member, a method or an accessor.
 */
function legacySite(target: object, key: string | symbol, descriptor: PropertyDescriptor | undefined, decorator: string): PropertySite {
  const isStatic = typeof target === 'function';
  const ctor = (isStatic ? target : target.constructor) as Function;
  const property = String(key);
  const fail: (message: string) => never = failAt(ctor, property);
  if (typeof key === 'symbol') fail(`${decorator} needs a string property name; a symbol has no C name`);
  if (isStatic) fail(`${decorator} cannot decorate a static member: objects store instance fields; remove static`);
  // Legacy decorators get a descriptor only for methods and accessors; the pool defines the property itself.
  if (descriptor !== undefined) {
    const what = typeof descriptor.value === 'function' ? 'a method' : 'an accessor';
    fail(`${decorator} cannot decorate ${what}; put it on a plain property (name!: type)`);
  }
  return { ctor, property, mode: 'legacy', designType: () => Reflect.getMetadata('design:type', target, key), fail };
}

/**
 * The site of a standard decorator, once its class is known.
 * @throws {LayoutDefinitionError} for anything but a public instance field with a string name.
 */
function standardSite(ctor: Function, context: DecoratorContext, decorator: string): PropertySite {
  const property = String(context.name);
  const fail: (message: string) => never = failAt(ctor, property);
  if (context.kind === 'class') fail(`${decorator} decorates a property, not a class; put @Persistent() on the class`);
  if (context.kind === 'method') fail(`${decorator} cannot decorate a method; put it on a plain property (name!: type)`);
  if (context.kind !== 'field') fail(`${decorator} cannot decorate an accessor; put it on a plain property (name!: type)`);
  if (typeof context.name === 'symbol') fail(`${decorator} needs a string property name; a symbol has no C name`);
  if (context.static) fail(`${decorator} cannot decorate a static member: objects store instance fields; remove static`);
  if (context.private) fail(`${decorator} cannot decorate a #private field: the pool defines the property on the object; make it a plain property (name!: type)`);
  return { ctor, property, mode: 'standard', designType: () => undefined, fail };
}
