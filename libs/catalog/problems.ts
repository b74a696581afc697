import { BadRequestException } from '@nestjs/common';
import type { ValidationError } from 'class-validator';

/** One invalid field: its path in the input and every problem with it. */
export interface FieldProblem {
  path: string;
  problems: string[];
}

export function flattenErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const e of errors) {
    const path = parent ? `${parent}.${e.property}` : e.property;
    if (e.constraints) out.push({ path, problems: Object.values(e.constraints) });
    if (e.children?.length) out.push(...flattenErrors(e.children, path));
  }
  return out;
}

/** Collects problems and answers them all at once (400 `Invalid input` with `details`). */
export class Problems {
  readonly list: FieldProblem[] = [];

  add(path: string, problem: string): void {
    const existing = this.list.find((p) => p.path === path);
    if (existing) existing.problems.push(problem);
    else this.list.push({ path, problems: [problem] });
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  throwIfAny(message = 'Invalid input'): void {
    if (!this.empty) throw new BadRequestException({ message, details: this.list });
  }
}
