/**
 * Certification rules as pure functions (ADR 060): who reviews an item, which context flags it
 * carries, where an undecided item goes at the deadline, and when reminders fire. No side
 * effects: the API, the activities and the workflow bundle all use it.
 */

export type CampaignScopeType = 'manager' | 'system' | 'role' | 'all';
export type ReviewerKind = 'manager' | 'system_owner' | 'role_owner';
export type DeadlinePolicy = 'escalate' | 'revoke' | 'keep';
export type CampaignStatus = 'generating' | 'active' | 'remediating' | 'completed' | 'cancelled';
export type ItemStatus = 'pending' | 'certified' | 'revoked' | 'not_reviewed';
export type ItemFlag = 'privileged' | 'sod' | 'never_approved' | 'granted_over_a_year_ago' | 'reviewer_changed';
export const ITEM_FLAGS: readonly ItemFlag[] = ['privileged', 'sod', 'never_approved', 'granted_over_a_year_ago', 'reviewer_changed'];

/**
 * Why an item has its reviewer. `fallback_*` items went to the campaign's fallback reviewer at
 * generation; the others record a later change (each audited).
 */
export type Routing =
  | 'resolved'
  | 'fallback_missing'
  | 'fallback_terminated'
  | 'fallback_self'
  | 'reassigned'
  | 'escalated_manager'
  | 'escalated_fallback'
  | 'rerouted_terminated';

export interface PersonState {
  key: string;
  status: 'pending' | 'active' | 'terminated';
  manager: string | null;
}

export type PeopleLookup = (key: string) => PersonState | undefined;

export interface ReviewerResolution {
  /** Null only when neither the fallback nor any administrator can take the item. */
  reviewer: string | null;
  routing: Routing;
  /** Candidates passed over because they are terminated (reported by the pre-flight). */
  terminated: string[];
}

const usable = (people: PeopleLookup, key: string | null | undefined, subject: string): key is string =>
  !!key && key !== subject && people(key)?.status === 'active';

/**
 * The last resort for an item the rule cannot route: the campaign's fallback reviewer, else the
 * first active administrator. Never the subject: nobody reviews their own access.
 */
export function fallbackFor(subject: string, fallback: string, people: PeopleLookup, admins: readonly string[]): string | null {
  if (usable(people, fallback, subject)) return fallback;
  return admins.find((a) => usable(people, a, subject)) ?? null;
}

/**
 * Resolves an item's reviewer from the candidates of the campaign's rule (the subject's manager,
 * the system's owners, or the role's owner), in preference order. The subject and inactive
 * candidates are passed over; with none left the item goes to the fallback, with the reason.
 */
export function resolveReviewer(input: {
  subject: string;
  candidates: readonly (string | null)[];
  fallback: string;
  people: PeopleLookup;
  admins: readonly string[];
}): ReviewerResolution {
  const { subject, people } = input;
  const candidates = [...new Set(input.candidates.filter((c): c is string => !!c))];
  const chosen = candidates.find((c) => usable(people, c, subject));
  const terminated = candidates.filter((c) => c !== subject && people(c)?.status !== 'active');
  if (chosen) return { reviewer: chosen, routing: 'resolved', terminated: [] };
  const routing: Routing = candidates.includes(subject)
    ? 'fallback_self'
    : terminated.length > 0
      ? 'fallback_terminated'
      : 'fallback_missing';
  return { reviewer: fallbackFor(subject, input.fallback, people, input.admins), routing, terminated };
}

const YEAR_MS = 365 * 24 * 3_600_000;

/** The context flags of a new item (reviewer_changed is added later, by a reassignment). */
export function itemFlags(input: {
  privileged: boolean;
  sod: boolean;
  provenance: 'request' | 'imported';
  requestId: string | null;
  grantedAt: string | Date;
  launchedAt: string | Date;
}): ItemFlag[] {
  const flags: ItemFlag[] = [];
  if (input.privileged) flags.push('privileged');
  if (input.sod) flags.push('sod');
  if (input.provenance === 'imported' || !input.requestId) flags.push('never_approved');
  if (new Date(input.launchedAt).getTime() - new Date(input.grantedAt).getTime() > YEAR_MS) flags.push('granted_over_a_year_ago');
  return flags;
}

/**
 * Where an undecided item goes when the deadline passes under the `escalate` policy: level 1 to
 * the reviewer's manager, level 2 to the fallback reviewer; null once both are spent (the item
 * is then recorded as not reviewed, never silently dropped).
 */
export function escalationTarget(input: {
  level: 1 | 2;
  reviewer: string;
  subject: string;
  fallback: string;
  people: PeopleLookup;
  admins: readonly string[];
}): { reviewer: string; routing: Routing } | null {
  const { people, subject } = input;
  if (input.level === 1) {
    const manager = people(input.reviewer)?.manager ?? null;
    if (usable(people, manager, subject)) return { reviewer: manager, routing: 'escalated_manager' };
  }
  const fb = fallbackFor(subject, input.fallback, people, input.admins);
  return fb && fb !== input.reviewer ? { reviewer: fb, routing: 'escalated_fallback' } : null;
}

/**
 * The reminder times before `dueAt` (ISO strings, oldest first), one per offset, keeping only
 * those after `from`. Each is one digest per reviewer with pending items, never one per item.
 */
export function reminderTimes(from: string | Date, dueAt: string | Date, offsetsMs: readonly number[]): string[] {
  const start = new Date(from).getTime();
  const due = new Date(dueAt).getTime();
  return [...new Set(offsetsMs.map((o) => due - o))]
    .filter((t) => t > start && t < due)
    .sort((a, b) => a - b)
    .map((t) => new Date(t).toISOString());
}

/** What the deadline policy would do to undecided items, in words (for the pre-flight report). */
export function describeDeadlinePolicy(policy: DeadlinePolicy, fallback: string, escalationWindow: string): string {
  switch (policy) {
    case 'escalate':
      return `at dueAt each undecided item goes to its reviewer's manager; ${escalationWindow} later to the fallback reviewer ${fallback}; ${escalationWindow} after that it is recorded as not reviewed (access kept)`;
    case 'revoke':
      return 'at dueAt every undecided item is revoked and remediated like a reviewer revoke (a revoke task per system)';
    case 'keep':
      return 'at dueAt every undecided item is recorded as not reviewed; the access is kept';
  }
}
