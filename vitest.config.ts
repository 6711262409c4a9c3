import { defineConfig } from 'vitest/config';

// OFFICE_TEST_REPORT=<file> (set by .ci/run) adds a JSON report from which CI prints "N passed, N failed".
const report = process.env.OFFICE_TEST_REPORT;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['test/fixtures/**', 'node_modules/**'],
    // No model host or key from the developer's shell reaches a test, in process or in a child.
    setupFiles: ['test/setup/clean-env.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/helpers/global-setup.ts'],
    reporters: report ? ['default', ['json', { outputFile: report }]] : ['default'],
  },
});
