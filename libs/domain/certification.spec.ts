import { escalationTarget, fallbackFor, itemFlags, reminderTimes, resolveReviewer, type PersonState } from './certification';

const org: PersonState[] = [
  { key: 'ceo', status: 'active', manager: null },
  { key: 'mgr', status: 'active', manager: 'ceo' },
  { key: 'gone', status: 'terminated', manager: 'ceo' },
  { key: 'sub', status: 'active', manager: 'mgr' },
  { key: 'fb', status: 'active', manager: 'ceo' },
  { key: 'adm', status: 'active', manager: null },
];
const people = (k: string) => org.find((p) => p.key === k);
const base = { subject: 'sub', fallback: 'fb', people, admins: ['adm'] };

describe('resolveReviewer', () => {
  it('takes the first usable candidate', () => {
    expect(resolveReviewer({ ...base, candidates: ['mgr'] })).toEqual({ reviewer: 'mgr', routing: 'resolved', terminated: [] });
    expect(resolveReviewer({ ...base, candidates: ['gone', 'mgr'] }).reviewer).toBe('mgr');
  });

  it('never lets the subject review their own access', () => {
    expect(resolveReviewer({ ...base, candidates: ['sub'] })).toMatchObject({ reviewer: 'fb', routing: 'fallback_self' });
    expect(resolveReviewer({ ...base, candidates: ['sub'], fallback: 'sub' })).toMatchObject({ reviewer: 'adm' });
  });

  it('routes missing and terminated reviewers to the fallback, with the reason', () => {
    expect(resolveReviewer({ ...base, candidates: [null] })).toMatchObject({ reviewer: 'fb', routing: 'fallback_missing' });
    expect(resolveReviewer({ ...base, candidates: ['gone'] })).toEqual({ reviewer: 'fb', routing: 'fallback_terminated', terminated: ['gone'] });
    expect(resolveReviewer({ ...base, candidates: ['nobody'] })).toMatchObject({ reviewer: 'fb', routing: 'fallback_terminated' });
  });

  it('answers null only when neither the fallback nor an admin can take it', () => {
    expect(resolveReviewer({ ...base, candidates: [], fallback: 'gone', admins: ['sub'] }).reviewer).toBeNull();
    expect(fallbackFor('sub', 'gone', people, ['adm'])).toBe('adm');
  });
});

describe('itemFlags', () => {
  const launchedAt = '2026-11-30T00:00:00Z';
  it('flags privileged, sod, never approved and old grants', () => {
    expect(itemFlags({ privileged: true, sod: true, provenance: 'imported', requestId: null, grantedAt: '2025-01-01T00:00:00Z', launchedAt }))
      .toEqual(['privileged', 'sod', 'never_approved', 'granted_over_a_year_ago']);
    expect(itemFlags({ privileged: false, sod: false, provenance: 'request', requestId: 'r', grantedAt: '2026-06-01T00:00:00Z', launchedAt })).toEqual([]);
  });
});

describe('escalationTarget', () => {
  it("goes to the reviewer's manager, then the fallback, then nowhere", () => {
    expect(escalationTarget({ level: 1, reviewer: 'mgr', subject: 'sub', fallback: 'fb', people, admins: [] })).toEqual({ reviewer: 'ceo', routing: 'escalated_manager' });
    expect(escalationTarget({ level: 2, reviewer: 'ceo', subject: 'sub', fallback: 'fb', people, admins: [] })).toEqual({ reviewer: 'fb', routing: 'escalated_fallback' });
    expect(escalationTarget({ level: 2, reviewer: 'fb', subject: 'sub', fallback: 'fb', people, admins: [] })).toBeNull();
  });

  it('never escalates to the subject', () => {
    expect(escalationTarget({ level: 1, reviewer: 'x', subject: 'mgr', fallback: 'fb', people: (k) => (k === 'x' ? { key: 'x', status: 'active', manager: 'mgr' } : people(k)), admins: [] }))
      .toEqual({ reviewer: 'fb', routing: 'escalated_fallback' });
  });
});

describe('reminderTimes', () => {
  it('keeps future offsets before the due time, oldest first', () => {
    const day = 86_400_000;
    expect(reminderTimes('2026-11-01T00:00:00Z', '2026-11-10T00:00:00Z', [day, 7 * day, 20 * day]))
      .toEqual(['2026-11-03T00:00:00.000Z', '2026-11-09T00:00:00.000Z']);
  });
});
