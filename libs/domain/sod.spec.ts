import fc from 'fast-check';
import { evaluateSod, evaluateSodDetective, evaluateSodPreventive, sodOutcome, type SodRuleDef } from './sod';
import type { EntitlementRef, HeldAccess } from './access';

const prescribeVsDispense: SodRuleDef = {
  key: 'rx-prescribe-dispense',
  name: 'Prescribe and dispense',
  severity: 'high',
  action: 'block',
  sets: [
    { label: 'prescribe', roles: ['physician'], entitlements: [{ system: 'ehr', entitlement: 'order-meds' }] },
    { label: 'dispense', roles: ['pharmacist'], entitlements: [{ system: 'pharmacy', entitlement: 'dispense' }] },
  ],
};
const billingVsPayments: SodRuleDef = {
  key: 'billing-payments',
  name: 'Bill and post payments',
  severity: 'medium',
  action: 'require_dual_approval',
  sets: [
    { roles: ['billing-clerk'], entitlements: [] },
    { roles: ['payments-poster'], entitlements: [] },
  ],
};
const none: HeldAccess = { roles: [], entitlements: [] };

describe('SoD evaluation', () => {
  it('finds a conflict across a role and an entitlement', () => {
    const f = evaluateSod(
      { roles: ['physician'], entitlements: [{ system: 'pharmacy', entitlement: 'dispense' }] },
      [prescribeVsDispense, billingVsPayments],
    );
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ rule: 'rx-prescribe-dispense', severity: 'high', action: 'block' });
    expect(f[0].matched.map((m) => m.label)).toEqual(['prescribe', 'dispense']);
  });

  it('holding one side twice is no conflict', () => {
    expect(evaluateSod({ roles: ['physician'], entitlements: [{ system: 'ehr', entitlement: 'order-meds' }] }, [prescribeVsDispense])).toEqual([]);
  });

  it('preventive: reports only conflicts the request contributes to, on the access held afterwards', () => {
    const current = { roles: ['physician', 'billing-clerk', 'payments-poster'], entitlements: [] };
    const f = evaluateSodPreventive({ current, requested: { roles: ['pharmacist'], entitlements: [] }, rules: [prescribeVsDispense, billingVsPayments] });
    expect(f.map((x) => x.rule)).toEqual(['rx-prescribe-dispense']);
    expect(sodOutcome(f)).toBe('block');
    // The same request while giving up the conflicting role is clean.
    const moved = evaluateSodPreventive({
      current,
      requested: { roles: ['pharmacist'], entitlements: [] },
      removed: { roles: ['physician'], entitlements: [] },
      rules: [prescribeVsDispense],
    });
    expect(moved).toEqual([]);
    expect(sodOutcome(evaluateSodPreventive({ current: { roles: ['billing-clerk'], entitlements: [] }, requested: { roles: ['payments-poster'], entitlements: [] }, rules: [billingVsPayments] }))).toBe('require_dual_approval');
    expect(sodOutcome([])).toBe('allow');
  });

  it('detective: lists only identities with findings, by key', () => {
    const r = evaluateSodDetective(
      [
        { identity: 'b', access: { roles: ['billing-clerk', 'payments-poster'], entitlements: [] } },
        { identity: 'a', access: none },
      ],
      [billingVsPayments],
    );
    expect(r).toEqual([{ identity: 'b', findings: [expect.objectContaining({ rule: 'billing-payments' })] }]);
  });

  const roleArb: fc.Arbitrary<string> = fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5');
  const entArb: fc.Arbitrary<EntitlementRef> = fc.record({ system: fc.constantFrom('s1', 's2'), entitlement: fc.constantFrom('e1', 'e2', 'e3') });
  const heldArb = fc.record({ roles: fc.uniqueArray(roleArb), entitlements: fc.array(entArb, { maxLength: 4 }) });

  it('property: preventive finds every conflicting pair between a requested role and a held role', () => {
    fc.assert(
      fc.property(heldArb, heldArb, fc.array(fc.tuple(roleArb, roleArb), { minLength: 1, maxLength: 6 }), (current, requested, pairs) => {
        const rules: SodRuleDef[] = pairs
          .filter(([a, b]) => a !== b)
          .map(([a, b], i) => ({ key: `p${i}`, name: `${a} vs ${b}`, severity: 'high', action: 'block', sets: [{ roles: [a], entitlements: [] }, { roles: [b], entitlements: [] }] }));
        const found = new Set(evaluateSodPreventive({ current, requested, rules }).map((f) => f.rule));
        const after = new Set([...current.roles, ...requested.roles]);
        for (const rule of rules) {
          const [a, b] = [rule.sets[0].roles[0], rule.sets[1].roles[0]];
          const conflict = after.has(a) && after.has(b) && (requested.roles.includes(a) || requested.roles.includes(b));
          expect(found.has(rule.key)).toBe(conflict);
        }
      }),
    );
  });

  it('property: a finding always matches at least two distinct sides of its rule', () => {
    fc.assert(
      fc.property(heldArb, (held) => {
        const rule: SodRuleDef = { key: 'x', name: 'x', severity: 'low', action: 'block', sets: [{ roles: ['r1'], entitlements: [{ system: 's1', entitlement: 'e1' }] }, { roles: ['r2'], entitlements: [{ system: 's2', entitlement: 'e2' }] }] };
        for (const f of evaluateSod(held, [rule])) expect(new Set(f.matched.map((m) => m.set)).size).toBeGreaterThanOrEqual(2);
      }),
    );
  });
});
