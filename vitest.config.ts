import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/build.ts'],
    reporters: ['default', './test/setup/summary-reporter.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Kernel and CLI tests spawn processes; two workers match the 2-core CI machine.
    maxWorkers: 2,
  },
});
