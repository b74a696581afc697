// Deliberately impure "domain" code used by test/lint/determinism.spec.ts to prove the ESLint rules
// on libs/** and libs/domain/** reject it. Excluded from `npm run lint`; nothing imports it.
import { randomUUID } from 'node:crypto';
import { NotFoundException } from '@nestjs/common';
import { taskClosedSignal } from '../../../workflows/definitions';

export function impure(): string {
  void NotFoundException;
  void taskClosedSignal;
  return `${Date.now()}-${Math.random()}-${randomUUID()}`;
}
