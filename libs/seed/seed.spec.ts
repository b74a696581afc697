import { planCounts, planImport } from '../catalog/io/import-plan';
import type { DbState } from '../catalog/io/import-state';
import { findManagerCycles } from '../domain/org-chart';
import { demoOrganisation, generateOrganisation } from './index';

const emptyDb = (): DbState => ({ identities: new Map(), systems: new Map(), entitlements: new Map(), roles: new Map(), sodRules: new Map(), activeAccess: new Set() });

describe('demo organisation', () => {
  const org = demoOrganisation();

  it('is a plausible hospital: >= 12 systems, >= 30 roles, 200 people, SoD rules, existing access', () => {
    expect(org.systems.length).toBeGreaterThanOrEqual(12);
    expect(org.systems.map((s) => s.key)).toEqual(expect.arrayContaining(['ehr', 'pacs', 'lis', 'pharmacy', 'scheduling', 'billing', 'hris', 'email', 'vpn', 'directory']));
    expect(org.roles.length).toBeGreaterThanOrEqual(30);
    expect(org.identities).toHaveLength(200);
    expect(org.sodRules.length).toBeGreaterThanOrEqual(4);
    expect(org.access.length).toBeGreaterThan(200);
    expect(org.identities.find((i) => i.username === 'admin')).toMatchObject({ key: 'admin', status: 'active' });
    expect(new Set(org.identities.map((i) => i.username)).size).toBe(200);
    expect(findManagerCycles(org.identities)).toEqual([]);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(demoOrganisation())).toBe(JSON.stringify(org));
  });

  it('is a valid import bundle into an empty database (every reference resolves)', () => {
    const plan = planImport(org, emptyDb());
    expect(plan.problems).toEqual([]);
    expect(planCounts(plan)).toMatchObject({ identities: { created: 200 }, systems: { created: org.systems.length }, access: { created: org.access.length } });
  });

  it('generates larger organisations for benchmarks', () => {
    const big = generateOrganisation({ identities: 500, assignmentsPerIdentity: 8 });
    expect(big.identities).toHaveLength(700);
    expect(big.access.length).toBe(org.access.length + 500 * 8);
    const plan = planImport(big, emptyDb());
    expect(plan.problems).toEqual([]);
  });
});
