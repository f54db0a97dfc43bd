/**
 * `lethe verify` against the stand-ins: the demo data map passes in local
 * mode (what cannot be checked there is skipped, with why), and a map that
 * names a missing table, a wrong key or a missing index fails, naming the
 * store, with exit code 1.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Check, VerifyReport } from '../../cli/commands/verify.ts';
import type { DataMap, Store } from '../../functions/core/data-map.ts';
import { retentionLogGroups, retentionTasks } from '../../functions/core/retention.ts';
import { config } from '../../lethe.config.ts';
import { runLethe } from '../support/cli.ts';

const portOf = (url: string | undefined) => new URL(url ?? '').port;
const environment = inject('handlerEnvironment');
const env = {
  LETHE_DYNAMODB_PORT: portOf(inject('dynamodbEndpoint')),
  LETHE_SQS_S3_PORT: portOf(inject('s3Endpoint')),
  LETHE_SES_PORT: portOf(environment.AWS_ENDPOINT_URL_SESV2),
  LETHE_COGNITO_PORT: portOf(environment.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER),
};
const keyDir = dirname(inject('keyFile'));

const lethe = async (argv: string[]) => {
  const result = await runLethe(argv, env, { keyDir });
  return { ...result, report: () => result.json<VerifyReport>() };
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lethe-verify-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A config module like lethe.config.ts, with one store of the demo map changed. */
const configWith = async (name: string, change: (store: Store) => Store): Promise<string> => {
  const dataMap: DataMap = {
    ...config.dataMap,
    stores: config.dataMap.stores.map((store) => (store.name === name ? change(store) : store)),
  };
  const file = join(dir, `${name}-${Math.random().toString(36).slice(2)}.config.mjs`);
  await writeFile(file, `export const config = ${JSON.stringify({ ...config, dataMap })};\n`);
  return file;
};

/** Retention rules over DynamoDB stores: each has its table's `lethe-retention` index checked. */
/** The demo map's processors, which verify skips, and the stores it checks. */
const processors = config.dataMap.stores.filter((s) => s.kind === 'processor').length;
const checkedStores = config.dataMap.stores.length - processors;
/** One per (category, store): the index of a table, the lifecycle rules of a bucket. */
const retentionChecks = retentionTasks(config.dataMap).length;
const passing = checkedStores + retentionChecks;
/** Log groups: no CloudWatch Logs stand-in, so skipped locally. */
const logGroups = retentionLogGroups(config.dataMap).length;

const byStore = (report: VerifyReport, name: string): Check | undefined =>
  report.checks.find((c) => c.check === 'store' && c.subject === name);

describe('lethe verify in local mode', () => {
  it('passes on the demo data map, and says what it could not check here', async () => {
    // Act
    const { code, stderr, report } = await lethe(['verify', '--json']);

    // Assert: every store of the demo map checked and passed
    expect([code, stderr]).toEqual([0, '']);
    const result = report();
    expect(result).toMatchObject({ target: 'local', config: 'lethe.config.ts', passed: true });
    // Processors are called only at purge time: verify skips them, saying so.
    for (const store of config.dataMap.stores) {
      expect(byStore(result, store.name)?.status, store.name).toBe(
        store.kind === 'processor' ? 'skip' : 'pass',
      );
    }
    expect(byStore(result, 'sessions')?.detail).toBe(
      'table demo-sessions, key (sessionId), index byAccount on accountId',
    );
    // No SNS stand-in, no issuer, and the SES stand-in lacks identities and the sandbox: skipped, with why
    const skipped = result.checks.filter((c) => c.status === 'skip' && c.check !== 'store');
    expect(skipped.map((c) => c.check).sort()).toEqual([
      'alarm topic',
      'jwt issuer',
      'retention',
      'ses account',
      'ses identity',
    ]);
    for (const check of skipped) expect(check.detail).not.toBe('');
    expect(retentionChecks).toBeGreaterThan(0);
    expect(result.checks.filter((c) => c.check === 'retention').map((c) => [c.status, c.subject])).toEqual([
      ['pass', 'sessions: sessions'],
      ['pass', 'usage-events: usage-events'],
      ['pass', 'thumbnails: thumbnails'],
      ['skip', 'access-logs: /demo/app/access'],
    ]);
    // The thumbnails rule sets ttl: local mode gave the stand-in bucket its lifecycle rule, as the construct would.
    expect(result.checks.find((c) => c.subject === 'thumbnails: thumbnails')?.detail).toBe(
      'bucket demo-thumbnails: lifecycle rule lethe-thumbnails-thumbnails expires "thumbnails/" after 7 days',
    );
    expect(result.counts).toEqual({ pass: passing, fail: 0, skip: 4 + processors + logGroups });
  });

  it('prints a table of checks and the verdict', async () => {
    const { code, stdout } = await lethe(['verify']);

    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RESULT\s+CHECK\s+WHAT\s+DETAIL$/);
    expect(lines).toContainEqual(
      expect.stringMatching(/^PASS\s+store\s+content\s+table demo-content, key \(pk, sk\)$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^SKIP\s+alarm topic\s+subscriptions\s+local mode has no SNS/),
    );
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^OK: \\d+ passed, 0 failed, ${4 + processors + logGroups} skipped \\(local mode, config lethe.config.ts\\)$`,
      ),
    );
  });

  it.each([
    [
      'a missing table',
      'content',
      (s: Store) => ({ ...s, table: 'demo-content-gone' }),
      'table demo-content-gone does not exist',
    ],
    [
      'a wrong partition key',
      'profiles',
      (s: Store) => ({ ...s, key: { partitionKey: 'userId' } }),
      'table demo-profiles has key (accountId), the data map says (userId)',
    ],
    [
      'a missing sort key',
      'content',
      (s: Store) => ({ ...s, key: { partitionKey: 'pk' } }),
      'table demo-content has key (pk, sk), the data map says (pk)',
    ],
    [
      'a missing index',
      'sessions',
      (s: Store) => ({ ...s, index: 'byUser' }),
      'table demo-sessions has no index byUser (it has: lethe-retention, byAccount)',
    ],
    [
      'an index on another attribute',
      'usage-events',
      (s: Store) => ({ ...s, attribute: 'userId' }),
      'index byAccount of table demo-usage-events is keyed on accountId, the data map says userId',
    ],
    [
      'a missing bucket',
      'uploads',
      (s: Store) => ({ ...s, bucket: 'demo-uploads-gone' }),
      'bucket demo-uploads-gone does not exist',
    ],
  ])('fails on %s, naming the store, and still checks the rest', async (_, name, change, detail) => {
    // Arrange
    const file = await configWith(name, change);

    // Act
    const { code, report } = await lethe(['verify', '--config', file, '--json']);

    // Assert
    expect(code).toBe(1);
    const result = report();
    expect(result.passed).toBe(false);
    expect(result.checks.filter((c) => c.status === 'fail')).toEqual([
      { check: 'store', subject: name, status: 'fail', detail },
    ]);
    expect(result.counts.pass).toBe(passing - 1);
  });

  it('fails a retention rule over a table without the lethe-retention index, naming category and store', async () => {
    // Arrange: the demo's sessions rule, pointed at the content table, which has no such index
    const dataMap: DataMap = {
      ...config.dataMap,
      retention: [
        {
          category: 'posts',
          labels: { en: 'Posts' },
          window: 'P365D',
          stores: [{ store: 'content', timeAttribute: 'at' }],
        },
      ],
    };
    const file = join(dir, 'retention.config.mjs');
    await writeFile(file, `export const config = ${JSON.stringify({ ...config, dataMap })};\n`);

    // Act
    const { code, report } = await lethe(['verify', '--config', file, '--json']);

    // Assert
    expect(code).toBe(1);
    expect(report().checks.filter((c) => c.status === 'fail')).toEqual([
      {
        check: 'retention',
        subject: 'posts: content',
        status: 'fail',
        detail:
          'table demo-content has no index lethe-retention (letheRetention, letheExpiresAt), which finds what expired (docs/retention.md)',
      },
    ]);
  });

  it('names the lifecycle rule a ttl category lacks on a bucket Lethe does not own, in one line', async () => {
    // Arrange: uploads under a ttl rule; the stand-in's demo-uploads bucket has no lifecycle rule
    const dataMap: DataMap = {
      ...config.dataMap,
      retention: [
        {
          category: 'uploads',
          labels: { en: 'Uploads' },
          window: 'P364DT1H',
          ttl: true,
          stores: [{ store: 'uploads' }],
        },
      ],
    };
    const file = join(dir, 'lifecycle.config.mjs');
    await writeFile(file, `export const config = ${JSON.stringify({ ...config, dataMap })};\n`);

    // Act
    const { code, report } = await lethe(['verify', '--config', file, '--json']);

    // Assert
    expect(code).toBe(1);
    expect(report().checks.filter((c) => c.status === 'fail')).toEqual([
      {
        check: 'retention',
        subject: 'uploads: uploads',
        status: 'fail',
        detail:
          'bucket demo-uploads has no lifecycle rule expiring "uploads/" after 365 days (category uploads, window P364DT1H, ttl): add it (docs/retention.md)',
      },
    ]);
  });

  it('names the rule whose TTL is off on its table (DescribeTimeToLive on DynamoDB Local)', async () => {
    // Arrange: the demo's sessions rule with ttl; local mode turned TTL on only where the demo asks
    const dataMap: DataMap = {
      ...config.dataMap,
      retention: (config.dataMap.retention ?? []).map((rule) =>
        rule.category === 'sessions' ? { ...rule, ttl: true } : rule,
      ),
    };
    const file = join(dir, 'ttl.config.mjs');
    await writeFile(file, `export const config = ${JSON.stringify({ ...config, dataMap })};\n`);

    // Act
    const { code, report } = await lethe(['verify', '--config', file, '--json']);

    // Assert
    expect(code).toBe(1);
    expect(report().checks.filter((c) => c.status === 'fail')).toEqual([
      {
        check: 'retention',
        subject: 'sessions: sessions',
        status: 'fail',
        detail: 'the rule sets ttl, but table demo-sessions has TTL DISABLED, not on letheExpiresAt',
      },
    ]);
  });

  it('names the failing store in the table, and says FAILED', async () => {
    const file = await configWith('sessions', (s) => ({ ...s, index: 'byUser' }));

    const { code, stdout } = await lethe(['verify', '--config', file]);

    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL\s+store\s+sessions\s+table demo-sessions has no index byUser/m);
    expect(stdout.trimEnd().split('\n').at(-1)).toMatch(
      new RegExp(`^FAILED: \\d+ passed, 1 failed, ${4 + processors + logGroups} skipped`),
    );
  });

  it('refuses a --config that exports no configuration, in one line', async () => {
    const file = join(dir, 'empty.config.mjs');
    await writeFile(file, 'export const nothing = 1;\n');

    const { code, stdout, stderr } = await lethe(['verify', '--config', file]);

    expect([code, stdout]).toEqual([1, '']);
    expect(stderr).toBe(
      `lethe: --config ${file} must export \`config\` (or a default) with a dataMap and notices.sender, as lethe.config.ts does\n`,
    );
  });
});
