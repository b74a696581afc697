import fc from 'fast-check';
import { routeApprovals, type RoutingInput } from './approval-routing';
import type { OrgPerson, RoleForRouting } from './approval-policy';

const org: OrgPerson[] = [
  { key: 'ceo', manager: null },
  { key: 'cmo', manager: 'ceo' },
  { key: 'nurse-lead', manager: 'cmo' },
  { key: 'nurse', manager: 'nurse-lead' },
  { key: 'ehr-owner', manager: 'cmo' },
  { key: 'pacs-owner', manager: 'cmo' },
  { key: 'gone', manager: 'cmo', status: 'terminated' },
];

const clinician: RoleForRouting = {
  key: 'ehr-clinician',
  version: 3,
  owner: 'cmo',
  entitlements: [
    { system: 'ehr', entitlement: 'read' },
    { system: 'pacs', entitlement: 'view' },
  ],
  approvalPolicy: { steps: [{ kind: 'manager' }, { kind: 'role_owner' }, { kind: 'system_owner', approvers: 2 }] },
};

const base: RoutingInput = {
  subject: { key: 'nurse', manager: 'nurse-lead' },
  requester: 'nurse-lead',
  roles: [clinician],
  org,
  systemOwners: [
    { system: 'ehr', owners: ['ehr-owner', 'cmo'] },
    { system: 'pacs', owners: ['pacs-owner'] },
  ],
  admins: ['admin'],
};

describe('routeApprovals', () => {
  it('resolves the policy in order, one system-owner step per system', () => {
    const steps = routeApprovals({ ...base, requester: 'ceo' });
    expect(steps.map((s) => [s.step, s.kind, s.system, s.required, s.eligibleApprovers])).toEqual([
      [1, 'manager', null, 1, ['nurse-lead']],
      [2, 'role_owner', null, 1, ['cmo']],
      [3, 'system_owner', 'ehr', 2, ['cmo', 'ehr-owner']],
      [4, 'system_owner', 'pacs', 2, ['cmo', 'pacs-owner']],
    ]);
    expect(steps[3].escalation).toMatchObject({ via: 'manager_chain' });
  });

  it('skips the requester (the manager) and escalates to the next manager up', () => {
    const [manager] = routeApprovals(base);
    expect(manager.nominated).toEqual(['nurse-lead']);
    expect(manager.eligibleApprovers).toEqual(['cmo']);
    expect(manager.escalation).toMatchObject({ via: 'manager_chain' });
  });

  it('falls back to the admins when nobody is nominated and there is no chain', () => {
    const steps = routeApprovals({ ...base, subject: { key: 'new', manager: null }, requester: null, roles: [{ ...clinician, approvalPolicy: { steps: [{ kind: 'manager' }] } }] });
    expect(steps[0]).toMatchObject({ eligibleApprovers: ['admin'], escalation: { via: 'admins' } });
  });

  it('never lets a terminated person approve, and says when a step cannot be staffed', () => {
    const role = { ...clinician, approvalPolicy: { steps: [{ kind: 'identity' as const, identity: 'gone' }] } };
    const steps = routeApprovals({ ...base, org: [{ key: 'gone', manager: null, status: 'terminated' }], subject: { key: 'x', manager: null }, requester: null, roles: [role], admins: [] });
    expect(steps[0]).toMatchObject({ eligibleApprovers: [], escalation: { via: 'none' } });
  });

  it('merges the same question asked by two roles and needs two approvers under dual approval', () => {
    const other = { ...clinician, key: 'pacs-viewer', entitlements: [{ system: 'pacs', entitlement: 'view' }], approvalPolicy: { steps: [{ kind: 'manager' as const }] } };
    const steps = routeApprovals({ ...base, requester: null, roles: [clinician, other], dualApproval: true });
    expect(steps[0]).toMatchObject({ kind: 'manager', roles: ['ehr-clinician', 'pacs-viewer'], required: 2 });
    expect(steps[0].eligibleApprovers).toEqual(['cmo', 'nurse-lead']);
    expect(steps.every((s) => s.required === 2)).toBe(true);
  });

  it('groups: any member except the subject and requester', () => {
    const role = { ...clinician, approvalPolicy: { steps: [{ kind: 'group' as const, group: 'pharmacy-leads', members: ['nurse', 'ehr-owner', 'nurse-lead'] }] } };
    expect(routeApprovals({ ...base, roles: [role] })[0].eligibleApprovers).toEqual(['ehr-owner']);
  });

  it('property: the requester and the subject are never eligible, and results are plain JSON', () => {
    const keys = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7'];
    const key = fc.constantFrom(...keys);
    const orgArb = fc.tuple(...keys.map((k) => fc.option(key, { nil: null }).map((m) => ({ key: k, manager: m === k ? null : m }))));
    const stepArb = fc.oneof(
      fc.record({ kind: fc.constant('manager' as const), approvers: fc.constantFrom(1, 2) }),
      fc.record({ kind: fc.constant('role_owner' as const), approvers: fc.constantFrom(1, 2) }),
      fc.record({ kind: fc.constant('system_owner' as const), approvers: fc.constantFrom(1, 2) }),
      fc.record({ kind: fc.constant('identity' as const), identity: key, approvers: fc.constantFrom(1, 2) }),
      fc.record({ kind: fc.constant('group' as const), group: fc.constant('g'), members: fc.uniqueArray(key), approvers: fc.constantFrom(1, 2) }),
    );
    fc.assert(
      fc.property(orgArb, key, fc.option(key, { nil: null }), key, fc.array(stepArb, { minLength: 1, maxLength: 5 }), fc.uniqueArray(key), fc.boolean(), (people, subject, requester, owner, policy, owners, dual) => {
        const subjectManager = people.find((p) => p.key === subject)?.manager ?? null;
        const steps = routeApprovals({
          subject: { key: subject, manager: subjectManager },
          requester,
          roles: [{ key: 'r', version: 1, owner, entitlements: [{ system: 's', entitlement: 'e' }], approvalPolicy: { steps: policy } }],
          org: people,
          systemOwners: [{ system: 's', owners }],
          admins: ['p0', 'p1'],
          dualApproval: dual,
        });
        for (const s of steps) {
          expect(s.eligibleApprovers).not.toContain(subject);
          if (requester) expect(s.eligibleApprovers).not.toContain(requester);
          expect(new Set(s.eligibleApprovers).size).toBe(s.eligibleApprovers.length);
          if (dual) expect(s.required).toBeGreaterThanOrEqual(2);
          if (s.escalation?.via !== 'none') expect(s.eligibleApprovers.length).toBeGreaterThanOrEqual(s.required);
        }
        expect(JSON.parse(JSON.stringify(steps))).toEqual(steps);
      }),
    );
  });
});
