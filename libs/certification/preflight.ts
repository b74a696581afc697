import type { EntityManager } from '@mikro-orm/postgresql';
import { describeDeadlinePolicy, type DeadlinePolicy } from '../domain/certification';
import { loadLookups, planBatch, subjectBatch, type CampaignDef, type PlannedItem } from './generation';

export interface ItemRef {
  identity: string;
  role: string;
  system: string;
}

/** What a campaign would do if launched now (`POST /certifications?dryRun=true`, and the 409 body). */
export interface PreflightReport {
  canStart: boolean;
  /** Why it cannot start (empty when it can). */
  problems: string[];
  subjects: number;
  items: number;
  perReviewer: { reviewer: string; items: number }[];
  fallback: { reviewer: string; status: 'active' | 'pending' | 'terminated' | 'unknown'; items: number };
  /** Items whose rule found no reviewer at all (routed to the fallback). */
  noResolvableReviewer: { items: number; examples: ItemRef[] };
  /** Items whose reviewer would have been the subject (routed away, never allowed). */
  selfReview: { items: number; examples: ItemRef[] };
  /** Reviewers the rule named who are terminated or pending (their items go to the fallback). */
  terminatedReviewers: { reviewer: string; items: number }[];
  deadlinePolicy: { policy: DeadlinePolicy; dueAt: string; undecidedItems: string };
}

const EXAMPLES = 20;
const BATCH = 2000;

/**
 * Plans every item exactly as generation would (batch by batch, nothing kept but counts) and
 * reports it. A campaign whose fallback reviewer is unknown or not active does not start.
 */
export async function preflight(
  em: EntityManager,
  def: CampaignDef,
  policy: { deadlinePolicy: DeadlinePolicy; dueAt: string; escalationWindow: string },
): Promise<PreflightReport> {
  const [fb] = await em.execute<{ status: 'active' | 'pending' | 'terminated' }[]>('SELECT status FROM identity WHERE key = ?', [def.fallbackReviewer]);
  const lookups = await loadLookups(em);
  const perReviewer = new Map<string, number>();
  const passedOver = new Map<string, number>();
  const missing: ItemRef[] = [];
  const self: ItemRef[] = [];
  let items = 0;
  let subjects = 0;
  let unroutable = 0;
  let missingCount = 0;
  let selfCount = 0;
  const ref = (i: PlannedItem): ItemRef => ({ identity: i.identityKey, role: i.roleKey, system: i.systemKey });
  for (let after: string | null = null; ;) {
    const batch = await subjectBatch(em, def, after, BATCH);
    if (batch.length === 0) break;
    subjects += batch.length;
    after = batch[batch.length - 1].key;
    for (const i of await planBatch(em, def, lookups, batch)) {
      items++;
      if (i.reviewer === null) unroutable++;
      else perReviewer.set(i.reviewer, (perReviewer.get(i.reviewer) ?? 0) + 1);
      if (i.routing === 'fallback_missing') { missingCount++; if (missing.length < EXAMPLES) missing.push(ref(i)); }
      if (i.routing === 'fallback_self') { selfCount++; if (self.length < EXAMPLES) self.push(ref(i)); }
      for (const p of i.passedOver) passedOver.set(p, (passedOver.get(p) ?? 0) + 1);
    }
  }
  const problems: string[] = [];
  if (!fb) problems.push(`fallbackReviewer ${def.fallbackReviewer} is not a known identity`);
  else if (fb.status !== 'active') problems.push(`fallbackReviewer ${def.fallbackReviewer} is ${fb.status}, not active`);
  if (unroutable > 0) problems.push(`${unroutable} items would have no reviewer at all (no usable fallback and no active administrator)`);
  const byCount = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([reviewer, n]) => ({ reviewer, items: n }));
  return {
    canStart: problems.length === 0,
    problems,
    subjects,
    items,
    perReviewer: byCount(perReviewer),
    fallback: { reviewer: def.fallbackReviewer, status: fb?.status ?? 'unknown', items: perReviewer.get(def.fallbackReviewer) ?? 0 },
    noResolvableReviewer: { items: missingCount, examples: missing },
    selfReview: { items: selfCount, examples: self },
    terminatedReviewers: byCount(passedOver),
    deadlinePolicy: {
      policy: policy.deadlinePolicy,
      dueAt: policy.dueAt,
      undecidedItems: describeDeadlinePolicy(policy.deadlinePolicy, def.fallbackReviewer, policy.escalationWindow),
    },
  };
}
