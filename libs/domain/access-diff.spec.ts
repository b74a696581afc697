import fc from 'fast-check';
import { applyDiff, diffAccess, isEmptyDiff } from './access-diff';
import { normaliseEntitlements, type EntitlementRef } from './access';

const ent = fc.record({
  system: fc.constantFrom('ehr', 'pacs', 'lis', 'vpn'),
  entitlement: fc.constantFrom('read', 'write', 'admin', 'sign', 'order'),
});
const ents = fc.array(ent, { maxLength: 20 });

describe('diffAccess', () => {
  it('lists added and removed entitlements per system', () => {
    const current: EntitlementRef[] = [
      { system: 'ehr', entitlement: 'read' },
      { system: 'ehr', entitlement: 'write' },
      { system: 'vpn', entitlement: 'user' },
    ];
    const target: EntitlementRef[] = [
      { system: 'ehr', entitlement: 'read' },
      { system: 'pacs', entitlement: 'view' },
      { system: 'ehr', entitlement: 'sign' },
    ];
    const diff = diffAccess(current, target);
    expect(diff.add).toEqual([
      { system: 'ehr', entitlement: 'sign' },
      { system: 'pacs', entitlement: 'view' },
    ]);
    expect(diff.remove).toEqual([
      { system: 'ehr', entitlement: 'write' },
      { system: 'vpn', entitlement: 'user' },
    ]);
    expect(diff.bySystem).toEqual([
      { system: 'ehr', add: ['sign'], remove: ['write'] },
      { system: 'pacs', add: ['view'], remove: [] },
      { system: 'vpn', add: [], remove: ['user'] },
    ]);
  });

  it('applying the diff to the current access gives the target', () => {
    fc.assert(
      fc.property(ents, ents, (current, target) => {
        expect(applyDiff(current, diffAccess(current, target))).toEqual(normaliseEntitlements(target));
      }),
    );
  });

  it('adds and removes are disjoint, and the diff of equal sets is empty', () => {
    fc.assert(
      fc.property(ents, ents, (current, target) => {
        const d = diffAccess(current, target);
        const added = new Set(d.add.map((e) => `${e.system}/${e.entitlement}`));
        expect(d.remove.some((e) => added.has(`${e.system}/${e.entitlement}`))).toBe(false);
        expect(isEmptyDiff(diffAccess(target, [...target].reverse()))).toBe(true);
      }),
    );
  });

  it('the per-system view holds exactly the flat lists', () => {
    fc.assert(
      fc.property(ents, ents, (current, target) => {
        const d = diffAccess(current, target);
        const flatAdd = d.bySystem.flatMap((s) => s.add.map((entitlement) => ({ system: s.system, entitlement })));
        const flatRemove = d.bySystem.flatMap((s) => s.remove.map((entitlement) => ({ system: s.system, entitlement })));
        expect(normaliseEntitlements(flatAdd)).toEqual(d.add);
        expect(normaliseEntitlements(flatRemove)).toEqual(d.remove);
        expect(JSON.parse(JSON.stringify(d))).toEqual(d);
      }),
    );
  });
});
