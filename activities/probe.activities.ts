import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { isRecorded, recordAuditEvent, SYSTEM_ACTORS } from '../libs/audit/ledger';
import type { ActivityDeps } from './deps';

export interface BumpProbeInput {
  probeId: string;
  workflowId: string;
  idempotencyKey: string;
  /**
   * Fault injection for the operator's probe: throw after the writes but before commit on the
   * first N attempts, proving that a failed attempt leaves neither state nor ledger row behind.
   */
  failAfterWriteOnAttempts?: number;
  /** Throw after commit on the first N attempts: the retry must not write a second event. */
  failAfterCommitOnAttempts?: number;
}

export interface BumpProbeResult {
  counter: number;
  attempt: number;
  alreadyRecorded: boolean;
}

export function createProbeActivities(deps: ActivityDeps) {
  return {
    /** Increments the probe's counter and records `probe.bumped`, in one transaction. */
    async bumpProbe(input: BumpProbeInput): Promise<BumpProbeResult> {
      const attempt = Context.current().info.attempt;
      const em = deps.orm.em.fork();
      const result = await em.transactional(async (tx) => {
        if (await isRecorded(tx, input.idempotencyKey)) {
          const rows = await tx.execute<{ counter: number }[]>(
            'SELECT counter FROM probe WHERE id = ?',
            [input.probeId],
          );
          return { counter: rows[0]?.counter ?? 0, attempt, alreadyRecorded: true };
        }
        const rows = await tx.execute<{ counter: number }[]>(
          `INSERT INTO probe (id, counter, updated_at) VALUES (?, 1, now())
           ON CONFLICT (id) DO UPDATE SET counter = probe.counter + 1, updated_at = now()
           RETURNING counter`,
          [input.probeId],
        );
        await recordAuditEvent(tx, {
          actor: SYSTEM_ACTORS.worker,
          action: 'probe.bumped',
          subject: { type: 'probe', id: input.probeId },
          workflowId: input.workflowId,
          details: { counter: rows[0].counter, attempt },
          idempotencyKey: input.idempotencyKey,
        });
        if (attempt <= (input.failAfterWriteOnAttempts ?? 0)) {
          throw ApplicationFailure.retryable(`injected failure after write (attempt ${attempt})`, 'InjectedFailure');
        }
        return { counter: rows[0].counter, attempt, alreadyRecorded: false };
      });
      if (attempt <= (input.failAfterCommitOnAttempts ?? 0)) {
        throw ApplicationFailure.retryable(`injected failure after commit (attempt ${attempt})`, 'InjectedFailure');
      }
      return result;
    },
  };
}

export type ProbeActivities = ReturnType<typeof createProbeActivities>;
