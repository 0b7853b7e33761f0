/** Runs the built CLI (`npx tsc -b` first) and reads pools the way the CLI tests compare them. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CLI = path.resolve(__dirname, '../../packages/cli/dist/main.js');

export interface CliResult {
  status: number | null;
  out: string;
  err: string;
  json(): any;
}

export function cli(...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, out: r.stdout, err: r.stderr, json: () => JSON.parse(r.stdout) };
}

/** Where libpmemobj's lanes begin: before them is its own header, which it rewrites on every open (run id, shutdown state). */
const LANES_OFFSET = 0x2000;

/** The bytes of a pool that pmemts and its transactions own: lanes, heap, objects, catalog, root record. */
export function poolBytes(file: string): Buffer {
  return fs.readFileSync(file).subarray(LANES_OFFSET);
}

/** A failure as the CLI must print it: one line starting `pmemts: `, no stack trace. */
export function expectOneLineFailure(r: CliResult, status: number, message?: RegExp): void {
  expect({ status: r.status, err: r.err }).toEqual({ status, err: expect.stringMatching(/^pmemts: [^\n]+\n$/) });
  expect(r.err).not.toMatch(/    at /);
  if (message) expect(r.err).toMatch(message);
}
