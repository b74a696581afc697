import { ApiError } from '../api/client';

/** One field the API found wrong (`details` of a 400, some 409s): its path in the body and why. */
export interface FieldProblem {
  path: string;
  problems: string[];
}

function isFieldProblem(d: unknown): d is FieldProblem {
  return Boolean(d) && typeof d === 'object' && typeof (d as FieldProblem).path === 'string' && Array.isArray((d as FieldProblem).problems);
}

/**
 * The problems of a failed save, to show beside the fields they name. `at(path)` is every problem
 * at that path or inside it (`entitlements` also gets `entitlements.2.key`); `unplaced(paths)` is
 * what no field on the form shows, so nothing the API said is lost.
 */
export class FormProblems {
  readonly list: FieldProblem[];

  constructor(readonly error: unknown) {
    const details = error instanceof ApiError && Array.isArray(error.details) ? error.details : [];
    this.list = details.filter(isFieldProblem);
  }

  at(path: string): string | undefined {
    const hits = this.list.filter((p) => p.path === path || p.path.startsWith(`${path}.`));
    return hits.length ? hits.flatMap((p) => p.problems).join('; ') : undefined;
  }

  unplaced(shown: string[]): FieldProblem[] {
    return this.list.filter((p) => !shown.some((s) => p.path === s || p.path.startsWith(`${s}.`)));
  }
}

/** Props for a MUI TextField: red with the API's words when the last save named this field. */
export function fieldState(problems: FormProblems, path: string, hint?: string): { error: boolean; helperText: string | undefined } {
  const problem = problems.at(path);
  return { error: Boolean(problem), helperText: problem ?? hint };
}
