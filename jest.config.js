/** Three tiers of tests (see README "Tests"): pure unit, real PostgreSQL, real Asterisk + SIPp. */
const moduleNameMapper = {
  '^@phonebank/(domain|pbx|persistence|config)$': '<rootDir>/libs/$1/src/index.ts',
};
const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  moduleNameMapper,
  rootDir: __dirname,
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
};
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...base,
      displayName: 'db',
      testMatch: ['<rootDir>/{apps,libs,tests}/**/*.db-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tests/support/timeout-db.setup.ts'],
    },
    {
      ...base,
      displayName: 'asterisk',
      testMatch: ['<rootDir>/tests/e2e/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tests/support/timeout-asterisk.setup.ts'],
    },
    {
      ...base,
      displayName: 'browser',
      testMatch: ['<rootDir>/tests/browser/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tests/browser/timeout-browser.setup.ts'],
    },
  ],
};
