import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** ESLint run on one fixture as `npm run lint` does (but not ignored): `line:rule` of each problem. */
function lint(file: string): string[] {
  const root = join(__dirname, '..', '..');
  const r = spawnSync(process.execPath, [join(root, 'node_modules/eslint/bin/eslint.js'), '--no-ignore', '--format', 'json', file], { cwd: root, encoding: 'utf8' });
  expect(r.status).toBe(1);
  const [result] = JSON.parse(r.stdout) as { messages: { line: number; ruleId: string }[] }[];
  return result.messages.map((m) => `${m.line}:${m.ruleId}`);
}

/** The determinism override on workflows/** must reject what breaks replay. */
describe('ESLint determinism rules for workflow code', () => {
  it('rejects Node built-ins, ORM and activity value imports, timers and floating promises', () => {
    const found = lint('workflows/lint-fixtures/nondeterministic.fixture.ts');
    expect(found).toEqual(
      expect.arrayContaining([
        '3:@typescript-eslint/no-restricted-imports', // node:crypto
        '4:@typescript-eslint/no-restricted-imports', // @mikro-orm/core
        '5:@typescript-eslint/no-restricted-imports', // value import of activities
        '14:no-restricted-globals', // setTimeout
        '15:@typescript-eslint/no-floating-promises',
      ]),
    );
    // A type-only import of activities is allowed.
    expect(found).not.toContain('6:@typescript-eslint/no-restricted-imports');
  }, 60_000);
});

describe('ESLint rules for libraries and pure domain code', () => {
  it('libs/domain: no Node built-ins, HTTP errors, workflow imports, clock or randomness', () => {
    const found = lint('libs/domain/lint-fixtures/impure.fixture.ts');
    expect(found).toEqual(
      expect.arrayContaining([
        '3:@typescript-eslint/no-restricted-imports', // node:crypto
        '4:@typescript-eslint/no-restricted-imports', // an HTTP error
        '5:@typescript-eslint/no-restricted-imports', // workflow code
        '10:no-restricted-properties', // Date.now and Math.random
      ]),
    );
  }, 60_000);
});
