import fc from 'fast-check';
import { cursorCodec } from './pagination';

const requests = cursorCodec('requests', ['timestamp', 'uuid']);
const tasks = cursorCodec('tasks', ['timestamp', 'uuid']);
const key = ['2026-11-30T08:00:00.123456Z', '3f0c2a4e-8b1d-4c55-9a4e-0d2b6f1e7a10'];

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    const http = e as { getStatus(): number; getResponse(): unknown };
    expect(http.getStatus()).toBe(400);
    const body = http.getResponse() as { details: { path: string; problems: string[] }[] };
    expect(body.details.map((d) => d.path)).toEqual(['cursor']);
    return body.details[0].problems.join('; ');
  }
  throw new Error('expected a 400');
}

describe('cursor codec', () => {
  it('round-trips its own key, microseconds included', () => {
    expect(requests.decode(requests.encode(key))).toEqual(key);
    expect(requests.decode(undefined)).toBeNull();
  });

  it('refuses a cursor of another list, naming it', () => {
    expect(problemOf(() => requests.decode(tasks.encode(key)))).toMatch(/another list \(tasks\)/);
  });

  it('refuses garbage, the old format and an altered cursor', () => {
    problemOf(() => requests.decode('azpnYXJiYWdl'));
    problemOf(() => requests.decode(Buffer.from(`k:${key.join('|')}`).toString('base64url')));
    const good = requests.encode(key);
    const flipped = `${good.slice(0, 5)}${good[5] === 'A' ? 'B' : 'A'}${good.slice(6)}`;
    problemOf(() => requests.decode(flipped));
  });

  it('refuses a well-signed key of the wrong shape', () => {
    const loose = cursorCodec('requests', ['text', 'text']);
    expect(problemOf(() => requests.decode(loose.encode(['yesterday', 'x'])))).toMatch(/not a cursor this service issued/);
  });

  it('answers any other string with a 400 on cursor, never another error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        if (s === '') return;
        problemOf(() => requests.decode(s));
      }),
      { numRuns: 500 },
    );
  });
});
