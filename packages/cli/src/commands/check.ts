import * as native from '@pmemts/native';
import type { CheckProblem } from '@pmemts/core';
import { readLayoutName } from '@pmemts/core';
import { withPool } from '../open';
import type { Progress } from '../progress';

export interface CheckResult {
  consistent: boolean;
  pmemobjCheck: { consistent: boolean; message: string };
  objects: number;
  reachable: number;
  byType: Record<string, number>;
  problems: CheckProblem[];
}

/** pmemobj_check (in a child process) and then the pmemts deep check. */
export function check(file: string, layout: string | undefined, progress: Progress): CheckResult {
  const name = layout ?? readLayoutName(file);
  progress.stage('check: pmemobj_check');
  const pmemobjCheck = native.check(file, name);
  if (!pmemobjCheck.consistent) {
    return { consistent: false, pmemobjCheck, objects: 0, reachable: 0, byType: {}, problems: [{ kind: 'bad-field', object: 'pool', message: `pmemobj_check: ${pmemobjCheck.message || 'inconsistent'}` }] };
  }
  progress.stage(`check: opening ${file}`);
  const report = withPool(file, name, ({ pool }) => {
    progress.stage('check: deep check', 'allocations listed');
    let phase = 'listing';
    // The reachability walk after the field checks is not counted.
    return pool.deepCheck((done, now, total) => {
      if (now !== phase) progress.stage('check: deep check', 'objects checked', total);
      phase = now;
      progress.update(done);
    });
  });
  return { consistent: report.problems.length === 0, pmemobjCheck, ...report };
}
