import { DEFAULT_DEPROVISION_SLA_HOURS, deprovisionDueAt, durationToMs, isOverdue, msUntilDue, slaMet } from './sla';
import { findManagerCycles, managerChain } from './org-chart';

describe('SLA helpers', () => {
  it('computes due times from a system SLA, defaulting to one working day', () => {
    expect(deprovisionDueAt('2026-03-02T09:00:00+01:00', 4)).toBe('2026-03-02T12:00:00.000Z');
    expect(deprovisionDueAt('2026-03-02T08:00:00Z', null)).toBe(`2026-03-02T${String(8 + DEFAULT_DEPROVISION_SLA_HOURS).padStart(2, '0')}:00:00.000Z`);
    expect(() => deprovisionDueAt('2026-03-02T08:00:00Z', -1)).toThrow(RangeError);
    expect(() => deprovisionDueAt('yesterday', 1)).toThrow(RangeError);
  });

  it('tells overdue and met from breached', () => {
    expect(isOverdue('2026-03-02T10:00:00Z', '2026-03-02T10:00:01Z')).toBe(true);
    expect(isOverdue('2026-03-02T10:00:00Z', '2026-03-02T10:00:00Z')).toBe(false);
    expect(slaMet('2026-03-02T10:00:00Z', '2026-03-02T09:59:00Z')).toBe(true);
    expect(msUntilDue('2026-03-02T10:00:00Z', '2026-03-02T09:59:00Z')).toBe(60_000);
    expect(durationToMs('2d')).toBe(172_800_000);
    expect(durationToMs('500ms')).toBe(500);
    expect(() => durationToMs('2 weeks')).toThrow(RangeError);
  });
});

describe('org chart', () => {
  it('walks the manager chain and reports cycles once', () => {
    const org = [
      { key: 'a', manager: null },
      { key: 'b', manager: 'a' },
      { key: 'c', manager: 'b' },
      { key: 'x', manager: 'z' },
      { key: 'y', manager: 'x' },
      { key: 'z', manager: 'y' },
      { key: 'w', manager: 'x' },
    ];
    expect(managerChain(org, 'c')).toEqual(['b', 'a']);
    expect(findManagerCycles(org)).toEqual([['x', 'z', 'y']]);
    expect(findManagerCycles(org.slice(0, 3))).toEqual([]);
  });
});
