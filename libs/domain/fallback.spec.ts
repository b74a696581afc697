import { standIns } from './fallback';

const org = [
  { key: 'ceo', manager: null, status: 'active' as const },
  { key: 'vp', manager: 'ceo', status: 'terminated' as const },
  { key: 'mgr', manager: 'vp', status: 'active' as const },
  { key: 'sub', manager: 'mgr', status: 'active' as const },
  { key: 'loop1', manager: 'loop2', status: 'active' as const },
  { key: 'loop2', manager: 'loop1', status: 'terminated' as const },
];

describe('stand-ins for a missing approver or attester', () => {
  it('the nearest active manager above, skipping the excluded and the terminated', () => {
    expect(standIns(org, 'sub', ['adm'], [])).toEqual({ people: ['mgr'], via: 'manager' });
    expect(standIns(org, 'sub', ['adm'], ['mgr'])).toEqual({ people: ['ceo'], via: 'manager' });
  });

  it('the admins when no manager qualifies, never the excluded or the person themselves', () => {
    expect(standIns(org, 'ceo', ['adm', 'ceo', 'sub'], ['sub'])).toEqual({ people: ['adm'], via: 'admins' });
    expect(standIns(org, 'loop1', ['adm'], [])).toEqual({ people: ['adm'], via: 'admins' });
    expect(standIns(org, 'ceo', ['ceo'], [])).toEqual({ people: [], via: 'nobody' });
  });
});
