// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

// What deterministic code (workflows, and libs/domain which the workflow bundle includes) must not import.
const deterministicImports = {
  paths: nodeBuiltins.map((name) => ({ name, message: 'Deterministic code must not use Node built-ins (non-deterministic, not in the sandbox).' })),
  patterns: [
    { group: ['@nestjs/*'], message: 'No NestJS in deterministic code.' },
    { group: ['@mikro-orm/*', 'pg', 'knex'], message: 'No database access in deterministic code: use an activity.' },
    { group: ['@temporalio/worker', '@temporalio/client', '@temporalio/activity'], message: 'Workflows import only @temporalio/workflow (and @temporalio/common).' },
    { group: ['**/activities', '**/activities/*', '**/activities/**'], allowTypeImports: true, message: 'Import activities as types only: proxyActivities<typeof ...>.' },
    { group: ['**/apps/**'], message: 'Deterministic code must not import application code.' },
  ],
};

// Libraries sit below workflows and HTTP: use cases that answer HTTP live in apps/api.
const libraryImports = [
  { group: ['**/workflows', '**/workflows/**'], message: 'Libraries never import workflow code; shared shapes go in libs/domain.' },
  { group: ['**/apps/**'], message: 'Libraries never import application code.' },
];
const httpErrors = { group: ['@nestjs/common'], importNamePattern: 'Exception$', message: 'Libraries never throw HTTP errors: return or throw a domain error and let apps/api answer.' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', 'bench/results/**', 'workflows/lint-fixtures/**', 'libs/domain/lint-fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/consistent-type-imports': ['warn', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  {
    // Nest reads constructor parameter types through decorator metadata: those imports must stay values.
    files: ['apps/**/*.ts', 'libs/**/*.module.ts', 'libs/**/*.service.ts', 'libs/**/*.controller.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    // Determinism by construction: workflow code runs in Temporal's sandbox and is replayed.
    // It may import @temporalio/workflow, shared definitions and pure libs code; activities only as types.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', deterministicImports],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() in a loop from @temporalio/workflow.' },
        { name: 'process', message: 'No process access in workflows.' },
        { name: 'require', message: 'No dynamic require in workflows.' },
      ],
    },
  },
  {
    files: ['libs/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [...libraryImports, httpErrors] }] },
  },
  {
    // The catalog's services still answer HTTP themselves (their move to apps/api is ADR 050's open item).
    files: ['libs/catalog/*.service.ts', 'libs/catalog/io/import.service.ts', 'libs/catalog/pagination.ts', 'libs/catalog/problems.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: libraryImports }] },
  },
  {
    // libs/domain is inside the workflow bundle: the determinism rule holds there too, plus no clock
    // or randomness of its own (the caller passes "now").
    files: ['libs/domain/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: deterministicImports.paths, patterns: [...deterministicImports.patterns, ...libraryImports] }],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Pure domain code takes "now" as an argument.' },
        { object: 'Math', property: 'random', message: 'Pure domain code is deterministic.' },
      ],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'No timers in pure domain code.' }, { name: 'process', message: 'No process access in pure domain code.' }],
    },
  },
  {
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { ...globals.node }, sourceType: 'module', parserOptions: { projectService: false } },
  },
  {
    files: ['jest.config.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node }, parserOptions: { projectService: false } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
