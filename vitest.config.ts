import { defineConfig } from 'vitest/config';

// test/browser (real Chromium) runs in CI (CI=true, as .ci/run does) or with
// TOKENSPEND_BROWSER_TESTS=1; elsewhere it is left out, not skipped.
const browser = ['1', 'true'].includes(process.env.CI ?? '') || process.env.TOKENSPEND_BROWSER_TESTS === '1';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: browser ? ['**/node_modules/**'] : ['**/node_modules/**', 'test/browser/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { TZ: 'UTC' },
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
