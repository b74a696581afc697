/** Two tiers: fast unit tests (no services) and integration tests against a real PostgreSQL and
 * a real Temporal dev server that the global setup starts once per run. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

// jose (JWT verification in the API) ships only ES modules, which jest's CommonJS loader cannot
// require on Node 20: compile it to CommonJS like our own sources.
const esmOnly = {
  transform: {
    '^.+/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
};

module.exports = {
  testTimeout: 120_000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': swc, ...esmOnly.transform },
      transformIgnorePatterns: esmOnly.transformIgnorePatterns,
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/workflows/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': swc, ...esmOnly.transform },
      transformIgnorePatterns: esmOnly.transformIgnorePatterns,
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFiles: ['reflect-metadata', '<rootDir>/test/support/quiet-runtime.ts'],
    },
  ],
};
