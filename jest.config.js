/**
 * Four jest projects (and the fault suite):
 * - unit: pure code in libs/ (no Postgres, no Redis), fast.
 * - integration: libs/ services against real Postgres and Redis (*.int-spec.ts).
 * - e2e: the HTTP and worker apps end to end with supertest (test/**\/*.e2e-spec.ts).
 * - browser: the web app in real Chromium against the real API (test/browser/*.browser-spec.ts).
 * `npm test` (scripts/test.mjs) prepares the databases and Redis prefix the last three need.
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];
const moduleNameMapper = {
  '^@chairtime/([a-z-]+)$': '<rootDir>/libs/$1/src',
  '^@chairtime/([a-z-]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const common = {
  rootDir: __dirname,
  transform: { '^.+\\.(t|j)s$': swc },
  // NestJS 12 ships ES modules; Node 20 runs them through require(esm), but jest's module
  // runtime cannot, so they are compiled to CommonJS like our own code (cached after the first run).
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|@bull-board)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testEnvironment: 'node',
};
module.exports = {
  ...common,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/libs/**/*.int-spec.ts'],
      setupFiles: ['<rootDir>/test/support/env.setup.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/timeouts.setup.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      setupFiles: ['<rootDir>/test/support/env.setup.ts'],
      // Every API response an e2e test receives is checked against the OpenAPI document.
      setupFilesAfterEnv: ['<rootDir>/test/support/timeouts.setup.ts', '<rootDir>/test/support/openapi-responses.setup.ts'],
    },
    {
      ...common,
      // Real Chromium (playwright-core) against the real API serving the built web app.
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
      setupFiles: ['<rootDir>/test/support/env.setup.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/timeouts.setup.ts'],
    },
    {
      ...common,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
      setupFiles: ['<rootDir>/test/support/env.setup.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/timeouts.setup.ts'],
    },
  ],
};
