/**
 * Thrown when a class cannot become a persistent layout: at decoration time for what a decorator can
 * see (a missing or ambiguous type, a malformed option), and by @pmemts/core when it resolves layouts
 * (an embedded class that is not @Persistent, a cycle, a clash between classes). The message names
 * the class, the property when there is one, and the fix.
 *
 * Not a `PmemError`: this package depends on nothing, so it cannot extend the native error base.
 */
export class LayoutDefinitionError extends Error {
  /** Always `LAYOUT_DEFINITION`, as PmemError's codes. */
  readonly code = 'LAYOUT_DEFINITION';

  constructor(
    /** The class (or its `@Persistent` name) at fault. */
    readonly className: string,
    /** The property at fault; undefined for class-level problems. */
    readonly property: string | undefined,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${className}${property === undefined ? '' : '.' + property}: ${message}`, options);
    this.name = 'LayoutDefinitionError';
  }
}
