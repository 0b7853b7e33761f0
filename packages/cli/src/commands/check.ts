import * as native from '@pmemts/native';
import type { CheckProblem } from '@pmemts/core';
import { readLayoutName } from '@pmemts/core';
import { withPool } from '../open';

export interface CheckResult {
  consistent: boolean;
  pmemobjCheck: { consistent: boolean; message: string };
  objects: number;
  reachable: number;
  byType: Record<string, number>;
  problems: CheckProblem[];
}

/** pmemobj_check (in a child process) and then the pmemts deep check. */
export function check(file: string, layout: string | undefined, progress: (n: number) => void): CheckResult {
  const name = layout ?? readLayoutName(file);
  const pmemobjCheck = native.check(file, name);
  if (!pmemobjCheck.consistent) {
    return { consistent: false, pmemobjCheck, objects: 0, reachable: 0, byType: {}, problems: [{ kind: 'bad-field', object: 'pool', message: `pmemobj_check: ${pmemobjCheck.message || 'inconsistent'}` }] };
  }
  const report = withPool(file, name, ({ pool }) => pool.deepCheck(progress));
  return { consistent: report.problems.length === 0, pmemobjCheck, ...report };
}
