import { findManagerCycles } from '../domain/org-chart';
import type { Problems } from './problems';
import type { CreateIdentityInput, IdentityBody, RoleBody, SodRuleBody, SystemBody } from './inputs';

/**
 * What a write may refer to. The API builds it from the database for one write; the import
 * builds it from the database plus the bundle, so rows may refer to each other in any order.
 */
export interface CatalogRefs {
  hasIdentity(key: string): boolean;
  /** 'ok', or why the entitlement is unknown. */
  entitlement(system: string, key: string): 'ok' | 'unknown_system' | 'unknown_entitlement';
  hasRole(key: string): boolean;
}

function checkEntitlementRef(refs: CatalogRefs, p: Problems, path: string, system: string, entitlement: string): void {
  const r = refs.entitlement(system, entitlement);
  if (r === 'unknown_system') p.add(`${path}.system`, `unknown system "${system}"`);
  if (r === 'unknown_entitlement') p.add(`${path}.entitlement`, `system "${system}" has no entitlement "${entitlement}"`);
}

export function checkSystem(body: SystemBody, refs: CatalogRefs, p: Problems, prefix = ''): void {
  body.owners.forEach((o, i) => {
    if (!refs.hasIdentity(o)) p.add(`${prefix}owners.${i}`, `unknown identity "${o}"`);
  });
  const target = body.target ?? null;
  if (body.channel === 'queue' && target !== null) p.add(`${prefix}target`, 'must be null for the queue channel');
  if (body.channel === 'webhook' && (target === null || !/^https?:\/\/[^\s]+$/.test(target))) {
    p.add(`${prefix}target`, 'must be the helpdesk http(s) URL for the webhook channel');
  }
  if (body.channel === 'email' && (target === null || !/^[^\s@]+@[^\s@]+$/.test(target))) {
    p.add(`${prefix}target`, 'must be the shared inbox address for the email channel');
  }
  const seen = new Set<string>();
  body.entitlements.forEach((e, i) => {
    if (seen.has(e.key)) p.add(`${prefix}entitlements.${i}.key`, `duplicate entitlement "${e.key}"`);
    seen.add(e.key);
  });
}

export function checkRole(body: RoleBody, refs: CatalogRefs, p: Problems, prefix = ''): void {
  if (!refs.hasIdentity(body.owner)) p.add(`${prefix}owner`, `unknown identity "${body.owner}"`);
  const seen = new Set<string>();
  body.entitlements.forEach((e, i) => {
    const id = `${e.system}/${e.entitlement}`;
    if (seen.has(id)) p.add(`${prefix}entitlements.${i}`, `duplicate entitlement "${id}"`);
    seen.add(id);
    checkEntitlementRef(refs, p, `${prefix}entitlements.${i}`, e.system, e.entitlement);
  });
  body.approvalPolicy.steps.forEach((s, i) => {
    const path = `${prefix}approvalPolicy.steps.${i}`;
    if (s.kind === 'identity') {
      if (!s.identity) p.add(`${path}.identity`, 'is required for an identity step');
      else if (!refs.hasIdentity(s.identity)) p.add(`${path}.identity`, `unknown identity "${s.identity}"`);
    } else if (s.identity !== undefined) p.add(`${path}.identity`, `only allowed on an identity step`);
    if (s.kind === 'group') {
      if (!s.group) p.add(`${path}.group`, 'is required for a group step');
      if (!s.members || s.members.length === 0) p.add(`${path}.members`, 'a group step needs at least one member');
      (s.members ?? []).forEach((m, j) => {
        if (!refs.hasIdentity(m)) p.add(`${path}.members.${j}`, `unknown identity "${m}"`);
      });
    } else {
      if (s.group !== undefined) p.add(`${path}.group`, 'only allowed on a group step');
      if (s.members !== undefined) p.add(`${path}.members`, 'only allowed on a group step');
    }
  });
}

export function checkSodRule(body: SodRuleBody, refs: CatalogRefs, p: Problems, prefix = ''): void {
  body.sets.forEach((s, i) => {
    const path = `${prefix}sets.${i}`;
    if (s.roles.length === 0 && s.entitlements.length === 0) p.add(path, 'a side needs at least one role or entitlement');
    s.roles.forEach((r, j) => {
      if (!refs.hasRole(r)) p.add(`${path}.roles.${j}`, `unknown role "${r}"`);
    });
    s.entitlements.forEach((e, j) => checkEntitlementRef(refs, p, `${path}.entitlements.${j}`, e.system, e.entitlement));
  });
}

export function checkIdentity(key: string, body: IdentityBody, refs: CatalogRefs, p: Problems, prefix = ''): void {
  if (body.manager) {
    if (body.manager === key) p.add(`${prefix}manager`, 'an identity cannot be its own manager');
    else if (!refs.hasIdentity(body.manager)) p.add(`${prefix}manager`, `unknown identity "${body.manager}"`);
  }
  if (body.startDate && body.endDate && body.endDate < body.startDate) p.add(`${prefix}endDate`, 'must not be before startDate');
}

/**
 * Cycles the org chart would have after these changes (`changes`: key -> new manager), reported
 * on the changed rows. `org` is the current chart.
 */
export function checkManagerCycles(
  org: { key: string; manager: string | null }[],
  changes: Map<string, string | null>,
): string[][] {
  const merged = new Map(org.map((o) => [o.key, o.manager]));
  for (const [k, m] of changes) merged.set(k, m);
  return findManagerCycles([...merged].map(([key, manager]) => ({ key, manager })));
}

export type { CreateIdentityInput };
