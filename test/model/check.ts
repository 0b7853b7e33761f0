/**
 * Runs a property over generated programs with fast-check and turns a failure into a report: the
 * violation, the shrunk program as a TypeScript reproduction, and how to rerun it from its seed.
 * Counts come from environment variables (scaled tenfold by PMEMTS_TORTURE, i.e. `make torture`).
 */
import fc from 'fast-check';
import { printProgram } from './printer';
import type { Program } from './program';

const SCALE = process.env.PMEMTS_TORTURE ? 10 : 1;

/** A run count: the env variable when set, else the default (times ten under torture). */
export function runCount(envName: string, byDefault: number): number {
  const set = process.env[envName];
  if (set === undefined || set === '') return byDefault * SCALE;
  const n = Number(set);
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${envName} must be a positive integer, got ${set}`);
  return n;
}

export interface CheckOptions {
  readonly name: string;
  /** The test file, for the rerun line. */
  readonly file: string;
  readonly numRuns: number;
  /** Generous time per program: the run (shrinking included) stops, reporting what it has, after numRuns times this. */
  readonly msPerRun: number;
}

/** The whole run's time limit; a test's timeout should add a margin to it. */
export const budgetMs = (options: Pick<CheckOptions, 'numRuns' | 'msPerRun'>): number => options.numRuns * options.msPerRun + 30_000;

/** What the shrunk failing input was: a program, or a program with extra knobs (e.g. where to kill). */
export type Failing = Program | { readonly program: Program; readonly [knob: string]: unknown };

/** Checks `property` on `numRuns` generated inputs; throws a readable report on the first (shrunk) failure. */
export async function checkPrograms<T extends Failing>(arb: fc.Arbitrary<T>, property: (input: T) => Promise<void> | void, options: CheckOptions): Promise<number> {
  const seed = process.env.PMEMTS_MODEL_SEED ? Number(process.env.PMEMTS_MODEL_SEED) : Date.now() ^ (Math.random() * 0x100000000);
  const path = process.env.PMEMTS_MODEL_PATH || undefined;
  const details = await fc.check(fc.asyncProperty(arb, async (input) => property(input)), {
    numRuns: options.numRuns,
    seed,
    path,
    interruptAfterTimeLimit: budgetMs(options),
    markInterruptAsFailure: false,
  });
  console.log(`${options.name}: ${details.numRuns} programs, seed ${details.seed}${details.failed ? ', FAILED' : ''}`);
  if (!details.failed) return details.numRuns;
  const input = details.counterexample![0] as T;
  const program = 'ops' in input ? (input as Program) : (input as { program: Program }).program;
  const knobs = 'ops' in input ? '' : `\n${JSON.stringify(Object.fromEntries(Object.entries(input).filter(([k]) => k !== 'program')))}`;
  const error = details.errorInstance instanceof Error
    ? (details.errorInstance.name === 'Violation' ? details.errorInstance.message : String(details.errorInstance.stack))
    : String(details.errorInstance ?? details.error);
  throw new Error(
    [
      `${options.name}: violation in program ${details.numRuns} of ${options.numRuns} (shrunk ${details.numShrinks} times)`,
      error,
      ``,
      `Reproduction${knobs}:`,
      printProgram(program),
      ``,
      `Rerun: PMEMTS_MODEL_SEED=${details.seed} PMEMTS_MODEL_PATH=${details.counterexamplePath} npx jest ${options.file} --runInBand`,
    ].join('\n'),
  );
}
