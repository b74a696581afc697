import type { RoleForRouting } from './approval-policy';
import { planRequest, type RequestPlanInput } from './request-plan';

const role = (key: string, ents: [string, string][], steps: RoleForRouting['approvalPolicy']['steps'] = [{ kind: 'manager' }]): RoleForRouting => ({
  key, version: 1, owner: 'owner', entitlements: ents.map(([system, entitlement]) => ({ system, entitlement })), approvalPolicy: { steps },
});

const base: RequestPlanInput = {
  kind: 'mover',
  subject: { key: 's', manager: 'm' },
  requester: 'r',
  currentRoles: [{ role: 'a', version: 1, entitlements: [{ system: 'ehr', entitlement: 'clin' }, { system: 'pacs', entitlement: 'read' }] }],
  addRoles: [],
  removeRoles: [],
  sodRules: [],
  org: [{ key: 'm', manager: 'b' }, { key: 'b', manager: null }],
  systems: [
    { key: 'ehr', owners: ['eo'], channel: 'queue', deprovisionSlaHours: 4 },
    { key: 'pacs', owners: ['po'], channel: 'webhook', deprovisionSlaHours: null },
  ],
  admins: ['adm'],
  grantDueMs: 60_000,
};

describe('planRequest', () => {
  it('diffs a mover exactly and plans one task per system and action, revokes on the system SLA', () => {
    const plan = planRequest({ ...base, addRoles: [role('b', [['ehr', 'read'], ['pacs', 'read']])], removeRoles: ['a'] });
    expect(plan.diff.add).toEqual([{ system: 'ehr', entitlement: 'read' }]);
    expect(plan.diff.remove).toEqual([{ system: 'ehr', entitlement: 'clin' }]);
    expect(plan.tasks).toEqual([
      { system: 'ehr', action: 'grant', entitlements: ['read'], channel: 'queue', dueInMs: 60_000 },
      { system: 'ehr', action: 'revoke', entitlements: ['clin'], channel: 'queue', dueInMs: 4 * 3_600_000 },
    ]);
  });

  it('a removal-only mover still needs the manager', () => {
    const plan = planRequest({ ...base, removeRoles: ['a'] });
    expect(plan.steps.map((s) => [s.kind, s.eligibleApprovers])).toEqual([['manager', ['m']]]);
    expect(plan.tasks.map((t) => [t.system, t.action])).toEqual([['ehr', 'revoke'], ['pacs', 'revoke']]);
  });

  it('blocks or asks for two approvers per the SoD rule on the access held afterwards', () => {
    const sets = [{ roles: ['a'], entitlements: [] }, { roles: ['x'], entitlements: [] }];
    const add = [role('x', [['fin', 'pay']])];
    const blocked = planRequest({ ...base, addRoles: add, sodRules: [{ key: 'r', name: 'r', severity: 'high', action: 'block', sets }] });
    expect(blocked.sodOutcome).toBe('block');
    const dual = planRequest({ ...base, addRoles: add, sodRules: [{ key: 'r', name: 'r', severity: 'high', action: 'require_dual_approval', sets }] });
    expect(dual.sodOutcome).toBe('require_dual_approval');
    expect(dual.steps[0]).toMatchObject({ required: 2, eligibleApprovers: ['b', 'm'] });
    // Removing the conflicting role in the same request clears the conflict.
    expect(planRequest({ ...base, addRoles: add, removeRoles: ['a'], sodRules: [{ key: 'r', name: 'r', severity: 'high', action: 'block', sets }] }).sodOutcome).toBe('allow');
  });
});
