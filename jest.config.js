/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/helpers/jest-setup.ts'],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
    // slonik 47 require()s ESM-only p-limit/yocto-queue; Node 20.19 allows that, jest's loader does not,
    // so jest (only) transpiles those two packages to CommonJS.
    '^.+/node_modules/(p-limit|yocto-queue)/.+\\.js$': ['ts-jest', { tsconfig: 'tsconfig.test.json', useESM: false }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(p-limit|yocto-queue)/)'],
  testTimeout: 120000,
  maxWorkers: 2,
};
