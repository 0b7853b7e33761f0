/**
 * Child process of the crash runs: runs one program (JSON file) on an existing pool, writing
 * "step <i>" before each step and "ack <i>" once it returned, so the parent knows which steps a crash
 * image or a kill came after. Compiled by transpile.ts; `node child.js <pool> <program.json>`.
 */
import * as fs from 'node:fs';
import { decodeProgram } from './program';
import { Model } from './model';
import { runProgram } from './runner';

/** writeSync to a pipe the parent may have made non-blocking: retry while it is full. */
function say(line: string): void {
  const bytes = Buffer.from(`${line}\n`);
  let done = 0;
  while (done < bytes.length) {
    try {
      done += fs.writeSync(1, bytes, done);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}

const [file, programFile] = process.argv.slice(2);
const program = decodeProgram(fs.readFileSync(programFile, 'utf8'));
runProgram(file, program, new Model(program), {
  beforeStep: (i) => say(`step ${i}`),
  afterStep: (i) => say(`ack ${i}`),
});
say('done');
