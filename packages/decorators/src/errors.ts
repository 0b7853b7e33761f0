/** Thrown at decoration (or layout resolution) time when a class cannot become a persistent layout. */
export class LayoutDefinitionError extends Error {
  readonly code = 'LAYOUT_DEFINITION';

  constructor(
    readonly className: string,
    readonly property: string | undefined,
    message: string,
  ) {
    super(`${className}${property ? '.' + property : ''}: ${message}`);
    this.name = 'LayoutDefinitionError';
  }
}
