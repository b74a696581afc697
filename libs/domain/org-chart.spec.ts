import fc from 'fast-check';
import { findManagerCycles, managerChain, managerCyclesAfter } from './org-chart';

describe('managerCyclesAfter', () => {
  const org = [
    { key: 'ceo', manager: null },
    { key: 'vp', manager: 'ceo' },
    { key: 'lead', manager: 'vp' },
    { key: 'dev', manager: 'lead' },
  ];

  it('reports the cycle a new manager would close, from the changed identity back to it', () => {
    expect(managerCyclesAfter(org, new Map([['vp', 'dev']]))).toEqual([['vp', 'dev', 'lead', 'vp']]);
    expect(managerCyclesAfter(org, new Map([['ceo', 'ceo']]))).toEqual([['ceo', 'ceo']]);
  });

  it('allows a move that keeps the chart a forest', () => {
    expect(managerCyclesAfter(org, new Map([['dev', 'vp']]))).toEqual([]);
    expect(managerCyclesAfter(org, new Map([['vp', null]]))).toEqual([]);
  });

  it('sees a cycle made by two changes together (an import), and ignores one it did not touch', () => {
    expect(managerCyclesAfter(org, new Map([['ceo', 'x'], ['x', 'ceo']]))).toEqual([['ceo', 'x', 'ceo']]);
    const broken = [...org, { key: 'a', manager: 'b' }, { key: 'b', manager: 'a' }];
    expect(managerCyclesAfter(broken, new Map([['dev', 'ceo']]))).toEqual([]);
  });

  // Random forests: parents always come earlier, so the chart starts acyclic.
  const forest = fc.integer({ min: 1, max: 25 }).chain((n) =>
    fc.tuple(...Array.from({ length: n }, (_, i) => (i === 0 ? fc.constant(null) : fc.option(fc.integer({ min: 0, max: i - 1 }), { nil: null }))))
      .map((parents) => parents.map((p, i) => ({ key: `k${i}`, manager: p === null ? null : `k${p}` }))),
  );

  it('one change closes a cycle exactly when the identity is the new manager or above them', () => {
    fc.assert(
      fc.property(forest, fc.nat(), fc.nat(), (chart, a, b) => {
        const key = chart[a % chart.length].key;
        const manager = chart[b % chart.length].key;
        const cycles = managerCyclesAfter(chart, new Map([[key, manager]]));
        const closes = manager === key || managerChain(chart, manager).includes(key);
        expect(cycles.length > 0).toBe(closes);
        for (const c of cycles) expect([c[0], c[c.length - 1]]).toEqual([key, key]);
      }),
    );
  });

  it('when it answers no cycle, the changed chart has none', () => {
    fc.assert(
      fc.property(forest, fc.array(fc.tuple(fc.nat(), fc.option(fc.nat(), { nil: null })), { maxLength: 5 }), (chart, moves) => {
        const changes = new Map(moves.map(([a, b]) => [chart[a % chart.length].key, b === null ? null : chart[b % chart.length].key]));
        if (managerCyclesAfter(chart, changes).length > 0) return;
        const merged = chart.map((p) => ({ key: p.key, manager: changes.has(p.key) ? changes.get(p.key)! : p.manager }));
        expect(findManagerCycles(merged)).toEqual([]);
      }),
    );
  });
});
