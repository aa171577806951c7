/**
 * Runs only the browser tests, until the root jest.config.js has a `browser` project:
 *   npx jest -c tests/browser/jest.browser.config.js
 * (needs `npm run build:web` first; see tests/browser/web-shell.e2e-spec.ts).
 */
const path = require('node:path');
const rootDir = path.resolve(__dirname, '../..');
module.exports = {
  rootDir,
  displayName: 'browser',
  preset: 'ts-jest',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/tests/browser/**/*.e2e-spec.ts'],
  moduleNameMapper: { '^@phonebank/(domain|pbx|persistence|config)$': '<rootDir>/libs/$1/src/index.ts' },
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', isolatedModules: true }] },
  setupFilesAfterEnv: ['<rootDir>/tests/browser/timeout-browser.setup.ts'],
};
