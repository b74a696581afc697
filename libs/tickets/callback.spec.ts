import { CALLBACK_SCHEMA, parseTicketCallback } from './callback';

describe('parseTicketCallback', () => {
  const body = (over: Record<string, unknown> = {}) => JSON.stringify({
    schema: CALLBACK_SCHEMA, callbackId: 'hd-1', ticketId: '3f0c2a4e-8b1d-4c55-9a4e-0d2b6f1e7a10', status: 'resolved',
    resolvedBy: { name: 'Jane Doe' }, note: 'done', externalRef: 'HD-1', ...over,
  });

  it('accepts a well-formed callback', () => {
    expect(parseTicketCallback(body()).ok).toBe(true);
  });

  it.each([
    ['note', { note: 'a\u0000b' }],
    ['externalRef', { externalRef: 'HD\u0000' }],
    ['callbackId', { callbackId: 'x\u0000' }],
    ['resolvedBy.name', { resolvedBy: { name: 'Jane\u0000' } }],
  ])('refuses text PostgreSQL cannot store in %s (the API-wide rule), naming it', (path, over) => {
    const r = parseTicketCallback(body(over));
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.details.map((d) => d.path)).toEqual([path]);
  });
});
