import { defineConfig } from 'vitest/config';

// test/system (real Chromium, zsh, fish) runs in CI (CI=true, as .ci/run does) or with
// TOKENSPEND_SYSTEM_TESTS=1; elsewhere it is left out, not skipped.
const system = ['1', 'true'].includes(process.env.CI ?? '') || process.env.TOKENSPEND_SYSTEM_TESTS === '1';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: system ? ['**/node_modules/**'] : ['**/node_modules/**', 'test/system/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { TZ: 'UTC' },
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
