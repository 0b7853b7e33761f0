/**
 * The crash runs' child is the tester's own TypeScript (child.ts and what it imports), transpiled once
 * per test file into a temp directory, with @pmemts/core pointing at a built core: packages/core/dist,
 * or the directory in PMEMTS_MODEL_CORE (to run the tester against another build).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const SOURCES = ['child', 'classes', 'collection-ops', 'counter-ops', 'space-ops', 'checkpoint-ops', 'model', 'program', 'runner', 'values'];

/** Writes the child's JavaScript into `dir`; returns the path of child.js. */
export function transpileChild(dir: string): string {
  const core = path.resolve(process.env.PMEMTS_MODEL_CORE ?? path.join(__dirname, '../../packages/core/dist'));
  if (!fs.existsSync(path.join(core, 'index.js'))) throw new Error(`no built core at ${core}: run make build`);
  for (const name of SOURCES) {
    const source = fs.readFileSync(path.join(__dirname, `${name}.ts`), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: `${name}.ts`,
    });
    const js = outputText
      .replaceAll('require("@pmemts/core")', `require(${JSON.stringify(core)})`)
      .replaceAll('require("../../packages/core/src/collections")', `require(${JSON.stringify(path.join(core, 'collections'))})`);
    fs.writeFileSync(path.join(dir, `${name}.js`), js);
  }
  return path.join(dir, 'child.js');
}
