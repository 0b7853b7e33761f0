/** Every test in the repository runs from the root: cross-package tests in test/, package tests beside their package. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/packages'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }] },
  moduleNameMapper: { '^@pmemts/(native|core|decorators|cli|examples)$': '<rootDir>/packages/$1/src' },
  testTimeout: 60000,
};
