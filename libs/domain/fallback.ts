import type { OrgPerson } from './approval-policy';
import { managerChain } from './org-chart';

/**
 * Who stands in when the person a decision or an attestation belongs to cannot give it (they left,
 * or they are its subject): the nearest ACTIVE manager above them who is not excluded (the subject,
 * the requester), else every active admin who is not excluded. Never the excluded people; an empty
 * list only when nobody at all qualifies. docs/lifecycle-rules.md states the rule.
 */
export function standIns(
  org: readonly OrgPerson[],
  from: string,
  admins: readonly string[],
  excluded: readonly string[],
): { people: string[]; via: 'manager' | 'admins' | 'nobody' } {
  const no = new Set([...excluded, from]);
  const status = new Map(org.map((p) => [p.key, p.status]));
  const manager = managerChain(org, from).find((k) => status.get(k) === 'active' && !no.has(k));
  if (manager) return { people: [manager], via: 'manager' };
  const people = [...new Set(admins)].filter((k) => !no.has(k)).sort();
  return people.length ? { people, via: 'admins' } : { people: [], via: 'nobody' };
}
