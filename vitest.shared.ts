import { defineConfig, type ViteUserConfig } from 'vitest/config';

/**
 * Every package reports to .reports/vitest.json beside the console output, so `npm test` can
 * sum results across runners (and turbo can restore them from its cache).
 */
export function defineBastionConfig(config: ViteUserConfig = {}): ViteUserConfig {
  return defineConfig({
    ...config,
    test: {
      reporters: ['default', 'json'],
      // Many tests start real servers and processes; under a full parallel run on two cores
      // that can take seconds. Behaviour is asserted, never speed.
      testTimeout: 30_000,
      hookTimeout: 30_000,
      outputFile: { json: '.reports/vitest.json' },
      ...config.test,
    },
  });
}
