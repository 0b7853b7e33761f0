/**
 * Runs a property over generated programs with fast-check and turns a failure into a report: the
 * violation, the shrunk program as a TypeScript reproduction, and how to rerun it from its seed.
 * Counts come from environment variables (scaled tenfold by PMEMTS_TORTURE, i.e. `make torture`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { printProgram } from './printer';
import { decodeProgram, encodeProgram, type Program } from './program';

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

/**
 * Checks `property` on `numRuns` generated inputs; throws a readable report on the first (shrunk)
 * failure, or when the time budget ran out first. Returns how many programs ran.
 */
export async function checkPrograms<T extends Failing>(arb: fc.Arbitrary<T>, property: (input: T) => Promise<void> | void, options: CheckOptions): Promise<number> {
  const replay = process.env.PMEMTS_MODEL_REPLAY;
  if (replay) {
    // Exactly the program saved by a failure, once, without generating or shrinking.
    const input = decodeProgram<T>(fs.readFileSync(replay, 'utf8'));
    try {
      await property(input);
    } catch (error) {
      throw new Error(report(options, `replay of ${replay}`, input, error, replay, ''));
    }
    return 1;
  }
  const seed = process.env.PMEMTS_MODEL_SEED ? Number(process.env.PMEMTS_MODEL_SEED) : Date.now() ^ (Math.random() * 0x100000000);
  const replayPath = process.env.PMEMTS_MODEL_PATH || undefined;
  const details = await fc.check(fc.asyncProperty(arb, async (input) => property(input)), {
    // Replaying a path runs the program it names (and shrinks it further if it still fails).
    numRuns: replayPath === undefined ? options.numRuns : 1,
    seed,
    path: replayPath,
    interruptAfterTimeLimit: budgetMs(options),
    markInterruptAsFailure: false,
  });
  console.log(`${options.name}: ${details.numRuns} programs, seed ${details.seed}${details.failed ? ', FAILED' : ''}`);
  if (!details.failed) {
    if (replayPath === undefined && details.numRuns < options.numRuns) {
      throw new Error(`${options.name}: only ${details.numRuns} of ${options.numRuns} programs ran within ${budgetMs(options)} ms (seed ${details.seed})`);
    }
    return details.numRuns;
  }
  const input = details.counterexample![0] as T;
  const saved = path.join(os.tmpdir(), `pmemts-model-failure-${details.seed}-${details.numRuns}.json`);
  fs.writeFileSync(saved, encodeProgram(input));
  const where = `program ${details.numRuns} of ${options.numRuns} (shrunk ${details.numShrinks} times)`;
  const rerun = `PMEMTS_MODEL_SEED=${details.seed} PMEMTS_MODEL_PATH=${details.counterexamplePath} npx jest ${options.file} --runInBand`;
  throw new Error(report(options, where, input, details.errorInstance ?? details.error, saved, rerun));
}

function report(options: CheckOptions, where: string, input: Failing, error: unknown, saved: string, rerun: string): string {
  const program = 'ops' in input ? (input as Program) : (input as { program: Program }).program;
  const knobs = 'ops' in input ? '' : ` ${JSON.stringify(Object.fromEntries(Object.entries(input).filter(([k]) => k !== 'program')))}`;
  const message = error instanceof Error ? (error.name === 'Violation' ? error.message : String(error.stack)) : String(error);
  return [
    `${options.name}: violation in ${where}`,
    message,
    ``,
    `Reproduction${knobs}:`,
    printProgram(program),
    ``,
    `Rerun exactly this program: PMEMTS_MODEL_REPLAY=${saved} npx jest ${options.file} --runInBand`,
    ...(rerun ? [`Rerun from the seed (and shrink again): ${rerun}`] : []),
  ].join('\n');
}
