/**
 * `Symbol.metadata`, polyfilled. TypeScript's standard decorators hand `context.metadata` to decorators
 * only when `Symbol.metadata` exists when the class is defined, and Node 20 does not have it. This
 * module runs on the first import of @pmemts/decorators, before any class using its decorators is
 * defined. `Symbol.for('Symbol.metadata')` is the key Babel's decorator helpers fall back to, so
 * classes compiled by either tool agree.
 */
const symbols = Symbol as unknown as { metadata?: symbol };
symbols.metadata ??= Symbol.for('Symbol.metadata');

/** The key under which standard decorators leave a class's metadata object on the class. */
export const SYMBOL_METADATA: symbol = symbols.metadata;
