import { useQueries, useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../api/client';

export type System = Schemas['SystemResponse'];
export type Role = Schemas['RoleResponse'];
export type Identity = Schemas['IdentityResponse'];
export type IdentityDetail = Schemas['IdentityDetailResponse'];

/** The catalog changes rarely: five minutes of cache keeps pages quick without hiding edits long. */
const CATALOG_STALE = 5 * 60_000;

async function allPages<T>(fetchPage: (cursor?: string) => Promise<{ items: T[]; nextCursor?: string | null }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  // A mid-sized organisation's catalog is a few pages at most; the cap stops a runaway loop.
  for (let i = 0; i < 20; i++) {
    const page = await fetchPage(cursor);
    out.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return out;
}

export function useSystems() {
  return useQuery({
    queryKey: ['systems'],
    staleTime: CATALOG_STALE,
    queryFn: () => allPages((cursor) => unwrap(api.GET('/api/v1/systems', { params: { query: { limit: 500, cursor } } }))),
  });
}

export function useRoles() {
  return useQuery({
    queryKey: ['roles'],
    staleTime: CATALOG_STALE,
    queryFn: () => allPages((cursor) => unwrap(api.GET('/api/v1/roles', { params: { query: { limit: 500, cursor } } }))),
  });
}

/** Is this entitlement privileged (admin-level) in the catalog? */
export function isPrivileged(systems: System[] | undefined, system: string, entitlement: string): boolean {
  const s = systems?.find((x) => x.key === system);
  return Boolean(s?.entitlements.find((e) => e.key === entitlement)?.privileged);
}

export function systemName(systems: System[] | undefined, key: string): string {
  return systems?.find((s) => s.key === key)?.name ?? key;
}

export function useIdentity(key: string | null | undefined) {
  return useQuery({
    queryKey: ['identity', key],
    enabled: Boolean(key),
    staleTime: 30_000,
    queryFn: () => unwrap(api.GET('/api/v1/identities/{key}', { params: { path: { key: key as string } } })),
  });
}

/** Names of people by identity key (for "approved by", "who else may approve"); keys stay shown if unknown. */
export function usePeopleNames(keys: (string | null | undefined)[]): Record<string, string> {
  const unique = [...new Set(keys.filter((k): k is string => Boolean(k)))];
  const results = useQueries({
    queries: unique.map((key) => ({
      queryKey: ['identity', key],
      staleTime: 5 * 60_000,
      retry: false,
      queryFn: () => unwrap(api.GET('/api/v1/identities/{key}', { params: { path: { key } } })),
    })),
  });
  const names: Record<string, string> = {};
  unique.forEach((k, i) => {
    const d = results[i]?.data;
    names[k] = d ? d.name : k;
  });
  return names;
}

export function useIdentitySearch(q: string) {
  return useQuery({
    queryKey: ['identities', 'search', q],
    enabled: q.trim().length >= 1,
    staleTime: 30_000,
    queryFn: () => unwrap(api.GET('/api/v1/identities', { params: { query: { q: q.trim(), limit: 20 } } })),
  });
}
