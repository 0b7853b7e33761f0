/**
 * Compiles TypeScript model sources in memory with the compiler API, under either decorator setting,
 * and runs the output in this process against the @pmemts/decorators the tests see, so layouts from
 * both compilations can be compared. Nothing is written to disk.
 */
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');

/** 'legacy': experimentalDecorators + emitDecoratorMetadata; 'standard': TypeScript 5's TC39 decorators. */
export type DecoratorMode = 'legacy' | 'standard';

const BASE_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  lib: ['lib.es2022.d.ts'],
  strict: true,
  skipLibCheck: true,
  types: [],
  baseUrl: ROOT,
  paths: { '@pmemts/*': ['packages/*/src'] },
};

const OPTIONS: Record<DecoratorMode, ts.CompilerOptions> = {
  legacy: { ...BASE_OPTIONS, experimentalDecorators: true, emitDecoratorMetadata: true },
  standard: BASE_OPTIONS,
};

/** The libs and packages parse the same under both settings: parsed once per test file, which halves the time. */
const parsedFromDisk = new Map<string, ts.SourceFile>();

export interface Compiled {
  /** Type errors in the given sources (the packages they import are not reported). */
  diagnostics: string[];
  /** The emitted JavaScript of each source, by its file name. */
  js: Map<string, string>;
}

/**
 * Type-checks and emits `sources` (file name, relative to this folder → TypeScript text) in memory.
 * Files that are not given are read from disk (the packages, the libs).
 */
export function compileModel(sources: Record<string, string>, mode: DecoratorMode): Compiled {
  const options = OPTIONS[mode];
  const inMemory = new Map(Object.entries(sources).map(([name, text]) => [path.join(__dirname, name), text]));
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => inMemory.has(file) || fileExists.call(host, file);
  host.readFile = (file) => inMemory.get(file) ?? readFile.call(host, file);
  host.getSourceFile = (file, language, onError) => {
    const text = inMemory.get(file);
    if (text !== undefined) return ts.createSourceFile(file, text, language);
    let parsed = parsedFromDisk.get(file);
    if (parsed === undefined) {
      parsed = getSourceFile.call(host, file, language, onError);
      if (parsed !== undefined) parsedFromDisk.set(file, parsed);
    }
    return parsed;
  };
  const js = new Map<string, string>();
  host.writeFile = (file, text) => {
    js.set(path.basename(file).replace(/\.js$/, '.ts'), text);
  };
  const program = ts.createProgram([...inMemory.keys()], { ...options, outDir: path.join(__dirname, 'never-written') }, host);
  const diagnostics: string[] = [];
  for (const file of inMemory.keys()) {
    const source = program.getSourceFile(file)!;
    for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      const line = d.start === undefined ? '' : `:${source.getLineAndCharacterOfPosition(d.start).line + 1}`;
      diagnostics.push(`${path.basename(file)}${line} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    }
    program.emit(source);
  }
  return { diagnostics, js };
}

/**
 * Runs one emitted CommonJS module and returns its exports. `require` is this test's, so
 * `@pmemts/decorators` is the same module instance @pmemts/core uses here.
 */
export function runModule(js: string): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  new Function('exports', 'require', 'module', js)(module.exports, require, module);
  return module.exports;
}
