import { defineConfig } from 'vitest/config';
import { CONFIG_SOURCES, parseConfig } from './functions/core/config-schema.ts';
import { config } from './lethe.config.ts';

/** Three layers: pure and mocked unit tests, the real SDK against the stand-ins, and CDK assertions. */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['test/unit/setup.ts'],
          env: {
            ACCOUNTS_TABLE: 'unit-accounts',
            AUDIT_TABLE: 'unit-audit',
            EXPORTS_TABLE: 'unit-exports',
            OUTBOX_TABLE: 'unit-outbox',
            EXPORTS_BUCKET: 'unit-exports',
            EXPORT_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/unit-export',
            LETHE_SUBJECT_KEY: 'unit-subject-key',
            AWS_REGION: 'us-east-1',
            AWS_ACCESS_KEY_ID: 'unit',
            AWS_SECRET_ACCESS_KEY: 'unit',
            LETHE_GRACE_PERIOD: 'P30D',
            POWERTOOLS_DEV: 'false',
            // What local mode passes the handlers: the example's configuration, as the schema returns it.
            [CONFIG_SOURCES.env]: JSON.stringify(parseConfig(config)),
            // Local mode (started by the integration setup in the same run) turns EMF off; unit tests read it.
            POWERTOOLS_METRICS_DISABLED: 'false',
          },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: { name: 'cdk', include: ['test/cdk/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 },
      },
      {
        // npm pack, the tarball in a scratch CDK app, the README's snippet synthesized (test/package/).
        test: {
          name: 'package',
          include: ['test/package/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
