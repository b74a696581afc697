import { statusChangeProblem } from './identity-status';

describe('statusChangeProblem', () => {
  it('allows a write that keeps or omits the status', () => {
    for (const s of ['pending', 'active', 'terminated'] as const) {
      expect(statusChangeProblem(s, s)).toBeNull();
      expect(statusChangeProblem(s, undefined)).toBeNull();
    }
  });

  it('sends termination to the leaver and a way back to the rehire', () => {
    expect(statusChangeProblem('active', 'terminated')).toMatch(/POST \/api\/v1\/requests\/leaver/);
    expect(statusChangeProblem('pending', 'terminated')).toMatch(/leaver/);
    expect(statusChangeProblem('terminated', 'active')).toMatch(/rehire.*POST \/api\/v1\/requests\/joiner/);
    expect(statusChangeProblem('terminated', 'pending')).toMatch(/rehire/);
    expect(statusChangeProblem('active', 'pending')).toMatch(/joiner/);
    expect(statusChangeProblem('pending', 'active')).toMatch(/joiner/);
  });
});
