import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKER_PROCESS_ENV, workerProcessEnv } from './worker-process';

describe('the worker process environment (ADR 127)', () => {
  it('bounds glibc arenas and the V8 heaps, keeping what an operator set after ours', () => {
    expect(workerProcessEnv({ A: '1' })).toEqual({ A: '1', ...WORKER_PROCESS_ENV });
    expect(WORKER_PROCESS_ENV.NODE_OPTIONS).toMatch(/--max-old-space-size=\d+/);
    const theirs = workerProcessEnv({ NODE_OPTIONS: '--max-old-space-size=1024', MALLOC_ARENA_MAX: '4' });
    // node takes the last value of a repeated flag: the operator's comes last and wins.
    expect(theirs.NODE_OPTIONS).toBe(`${WORKER_PROCESS_ENV.NODE_OPTIONS} --max-old-space-size=1024`);
    expect(theirs.MALLOC_ARENA_MAX).toBe('4');
  });

  it('is what docker-compose.yml starts its worker with', () => {
    const compose = readFileSync(join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8');
    const worker = /\n {2}worker:\n((?: {4}.*\n|\s*\n)+)/.exec(compose)?.[1] ?? '';
    for (const [name, value] of Object.entries(WORKER_PROCESS_ENV)) expect(worker).toContain(`      ${name}: "${value}"\n`);
  });
});
