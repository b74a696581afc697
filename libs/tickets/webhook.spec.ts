import { isRetryableStatus, ticketRefFromResponse } from './webhook';

describe('webhook response handling', () => {
  it.each([
    [408, true], [409, true], [429, true], [500, true], [503, true],
    [400, false], [401, false], [403, false], [404, false], [422, false],
  ])('status %i retryable: %s', (status, retryable) => {
    expect(isRetryableStatus(status)).toBe(retryable);
  });

  it('reads the ticket reference from the JSON body, then the Location header', () => {
    expect(ticketRefFromResponse('{"ticketRef":"HD-1"}', '/x/2')).toBe('HD-1');
    expect(ticketRefFromResponse('{"id":42}', null)).toBe('42');
    expect(ticketRefFromResponse('', '/tickets/HD-9')).toBe('/tickets/HD-9');
    expect(ticketRefFromResponse('not json', null)).toBeNull();
  });
});
