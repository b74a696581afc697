// A deliberately non-deterministic "workflow" used by test/lint/determinism.spec.ts to prove the
// ESLint override on workflows/** rejects it. It is excluded from `npm run lint` and never bundled.
import { randomUUID } from 'node:crypto';
import { MikroORM } from '@mikro-orm/core';
import { createActivities } from '../../activities';
import type { Activities } from '../../activities';

async function persist(): Promise<void> {}

export async function badWorkflow(): Promise<string> {
  const _acts: Activities | undefined = undefined;
  void MikroORM;
  void createActivities;
  setTimeout(() => undefined, 10);
  persist();
  return randomUUID();
}
