/**
 * `lethe verify` against a deployed environment, with the AWS clients mocked:
 * what only AWS can answer (SES identities and the sandbox, SNS
 * subscriptions, the JWT authorizer's issuer) and the DynamoDB and S3 cases
 * the stand-ins cannot set up. The stand-in cases are in
 * test/integration/verify.test.ts.
 */
import { ApiGatewayV2Client, GetAuthorizersCommand } from '@aws-sdk/client-apigatewayv2';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  GetAccountCommand,
  GetEmailIdentityCommand,
  NotFoundException,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ALARM_TOPIC_OUTPUT, type Check, type VerifyInput, verify } from '../../../cli/commands/verify.ts';
import { Services } from '../../../cli/services.ts';
import type { Target } from '../../../cli/target.ts';
import type { DataMap } from '../../../functions/core/data-map.ts';
import { STACK_OUTPUTS } from '../../../functions/core/resources.ts';

const ddb = mockClient(DynamoDBClient);
const s3 = mockClient(S3Client);
const ses = mockClient(SESv2Client);
const sns = mockClient(SNSClient);
const apiGateway = mockClient(ApiGatewayV2Client);
const logs = mockClient(CloudWatchLogsClient);

const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:Lethe-Alarms';
const outputs: Record<string, string> = {
  [STACK_OUTPUTS.apiUrl]: 'https://a1b2c3.execute-api.eu-west-1.amazonaws.com/',
  [ALARM_TOPIC_OUTPUT]: TOPIC,
};

const deployed: Target = {
  kind: 'stack',
  region: 'eu-west-1',
  credentials: { accessKeyId: 'unit', secretAccessKey: 'unit' },
  gracePeriod: 'P30D',
  resource: async (name) => outputs[STACK_OUTPUTS[name]] ?? '',
  output: async (key) => outputs[key],
  subjectKey: async () => 'unit-key',
  close: () => undefined,
};

const dataMap: DataMap = {
  profile: { store: 'profiles', attributes: { email: 'email' } },
  stores: [
    {
      kind: 'dynamodb-partition',
      name: 'profiles',
      table: 'app-profiles',
      key: { partitionKey: 'userId' },
      keyTemplate: '{accountId}',
    },
    {
      kind: 'dynamodb-index',
      name: 'sessions',
      table: 'app-sessions',
      key: { partitionKey: 'sessionId' },
      index: 'byUser',
      attribute: 'userId',
    },
    { kind: 's3-prefix', name: 'uploads', bucket: 'app-uploads', prefix: 'u/{accountId}/' },
    { kind: 'processor', name: 'crm', deletionUrl: 'https://crm.example.com/delete', deadline: 'P30D' },
  ],
};

/** The discovery document and keys an issuer serves; `overrides` replaces a URL's answer. */
const issuerFetch =
  (overrides: Record<string, () => Response> = {}): typeof fetch =>
  async (input) => {
    const url = String(input);
    const override = overrides[url];
    if (override) return override();
    if (url === `${ISSUER}/.well-known/openid-configuration`) {
      return Response.json({ issuer: ISSUER, jwks_uri: `${ISSUER}/.well-known/jwks.json` });
    }
    if (url === `${ISSUER}/.well-known/jwks.json`)
      return Response.json({ keys: [{ kid: '1' }, { kid: '2' }] });
    return new Response('not found', { status: 404 });
  };

const input = (overrides: Partial<VerifyInput> = {}): VerifyInput => ({
  config: { dataMap, notices: { sender: 'App <no-reply@mail.example.com>' } },
  source: 'lethe.config.ts',
  offline: false,
  fetch: issuerFetch(),
  ...overrides,
});

const run = (overrides: Partial<VerifyInput> = {}) =>
  verify(new Services(deployed, dataMap, 'P1095D'), input(overrides));

const find = (checks: readonly Check[], check: string, subject?: string) =>
  checks.find((c) => c.check === check && (subject === undefined || c.subject === subject));

beforeEach(() => {
  for (const client of [ddb, s3, ses, sns, apiGateway, logs]) client.reset();
  // A healthy environment; each test breaks one thing.
  ddb.on(DescribeTableCommand, { TableName: 'app-profiles' }).resolves({
    Table: {
      KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'userId', AttributeType: 'S' }],
    },
  });
  ddb.on(DescribeTableCommand, { TableName: 'app-sessions' }).resolves({
    Table: {
      KeySchema: [{ AttributeName: 'sessionId', KeyType: 'HASH' }],
      AttributeDefinitions: [
        { AttributeName: 'sessionId', AttributeType: 'S' },
        { AttributeName: 'userId', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byUser',
          KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }],
          IndexStatus: 'ACTIVE',
        },
      ],
    },
  });
  s3.on(HeadBucketCommand).resolves({});
  s3.on(GetBucketVersioningCommand).resolves({});
  ses.on(GetEmailIdentityCommand).resolves({ VerifiedForSendingStatus: true, VerificationStatus: 'SUCCESS' });
  ses.on(GetAccountCommand).resolves({
    SendingEnabled: true,
    ProductionAccessEnabled: true,
    SendQuota: { Max24HourSend: 50_000 },
  });
  sns.on(ListSubscriptionsByTopicCommand).resolves({
    Subscriptions: [{ SubscriptionArn: `${TOPIC}:1f2e`, Protocol: 'email' }],
  });
  apiGateway.on(GetAuthorizersCommand, { ApiId: 'a1b2c3' }).resolves({
    Items: [{ AuthorizerType: 'JWT', Name: 'JwtAuthorizer', JwtConfiguration: { Issuer: ISSUER } }],
  });
});

describe('lethe verify against a deployed environment', () => {
  it('passes a healthy environment, checking each thing where it lives', async () => {
    // Act
    const report = await run();

    // Assert
    expect(report).toMatchObject({ target: 'stack', passed: true, counts: { pass: 7, fail: 0, skip: 1 } });
    expect(report.checks.map((c) => [c.status, c.check, c.subject])).toEqual([
      ['pass', 'store', 'profiles'],
      ['pass', 'store', 'sessions'],
      ['pass', 'store', 'uploads'],
      ['skip', 'store', 'crm'],
      ['pass', 'ses identity', 'mail.example.com'],
      ['pass', 'ses account', 'sending'],
      ['pass', 'alarm topic', TOPIC],
      ['pass', 'jwt issuer', ISSUER],
    ]);
    expect(find(report.checks, 'jwt issuer')?.detail).toBe('discovery answers, 2 signing keys');
    expect(find(report.checks, 'alarm topic')?.detail).toBe('1 confirmed (email)');
    expect(ses).toHaveReceivedCommandWith(GetEmailIdentityCommand, { EmailIdentity: 'mail.example.com' });
  });

  it('fails while no alarm subscription is confirmed', async () => {
    sns.on(ListSubscriptionsByTopicCommand).resolves({
      Subscriptions: [{ SubscriptionArn: 'PendingConfirmation', Protocol: 'email' }],
    });

    const report = await run();

    expect(report.passed).toBe(false);
    expect(find(report.checks, 'alarm topic')).toMatchObject({
      status: 'fail',
      detail:
        'no confirmed subscription (1 pending confirmation): nobody hears the alarms (docs/monitoring.md)',
    });
  });

  it('reads every page of subscriptions', async () => {
    sns
      .on(ListSubscriptionsByTopicCommand)
      .resolvesOnce({ Subscriptions: [{ SubscriptionArn: 'PendingConfirmation' }], NextToken: 'p2' })
      .resolvesOnce({ Subscriptions: [{ SubscriptionArn: `${TOPIC}:9`, Protocol: 'https' }] });

    const report = await run();

    expect(find(report.checks, 'alarm topic')).toMatchObject({
      status: 'pass',
      detail: '1 confirmed (https), 1 pending',
    });
  });

  it('fails an unverified identity, a missing one, and an account in the SES sandbox', async () => {
    ses
      .on(GetEmailIdentityCommand)
      .resolvesOnce({ VerifiedForSendingStatus: false, VerificationStatus: 'PENDING' });
    ses.on(GetAccountCommand).resolves({ SendingEnabled: true, ProductionAccessEnabled: false });
    const pending = await run();

    ses.on(GetEmailIdentityCommand).rejects(new NotFoundException({ message: 'not found', $metadata: {} }));
    const missing = await run();

    expect(find(pending.checks, 'ses identity')).toMatchObject({
      status: 'fail',
      detail: 'not verified for sending (PENDING): finish the DNS records SES asked for',
    });
    expect(find(pending.checks, 'ses account')).toMatchObject({
      status: 'fail',
      detail: 'in the SES sandbox: only verified addresses receive mail; request production access',
    });
    expect(find(missing.checks, 'ses identity')?.detail).toBe(
      'SES has no identity mail.example.com: create and verify it (docs/deploy.md)',
    );
  });

  it('asks the issuer the API trusts, and fails when its discovery document names another', async () => {
    const report = await run({
      fetch: issuerFetch({
        [`${ISSUER}/.well-known/openid-configuration`]: () =>
          Response.json({ issuer: `${ISSUER}/`, jwks_uri: `${ISSUER}/.well-known/jwks.json` }),
      }),
    });

    expect(find(report.checks, 'jwt issuer')).toMatchObject({ status: 'fail', subject: ISSUER });
    expect(find(report.checks, 'jwt issuer')?.detail).toContain(`names issuer ${ISSUER}/`);
  });

  it('fails an issuer that does not answer, and skips it --offline', async () => {
    const down = await run({
      fetch: async () => {
        throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND cognito-idp') });
      },
    });
    const offline = await run({ offline: true });

    expect(find(down.checks, 'jwt issuer')?.detail).toBe(
      `${ISSUER}/.well-known/openid-configuration did not answer: getaddrinfo ENOTFOUND cognito-idp`,
    );
    expect(find(offline.checks, 'jwt issuer')).toMatchObject({ status: 'skip', detail: '--offline' });
    expect(offline.passed).toBe(true);
  });

  it('fails a key the account id cannot fill (a number), and a versioned bucket not marked versioned', async () => {
    ddb.on(DescribeTableCommand, { TableName: 'app-profiles' }).resolves({
      Table: {
        KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'userId', AttributeType: 'N' }],
      },
    });
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });

    const report = await run();

    expect(find(report.checks, 'store', 'profiles')?.detail).toBe(
      'table app-profiles: partition key userId is of type N, but Lethe looks it up by the account id, a string (S)',
    );
    expect(find(report.checks, 'store', 'uploads')?.detail).toBe(
      'bucket app-uploads is versioned (Enabled) but the store does not say versioned: true, so a purge would leave older versions behind',
    );
  });

  it('fails an index that is still being built, and a check the caller may not make, without stopping the rest', async () => {
    ddb.on(DescribeTableCommand, { TableName: 'app-sessions' }).resolves({
      Table: {
        KeySchema: [{ AttributeName: 'sessionId', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byUser',
            KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }],
            IndexStatus: 'CREATING',
          },
        ],
      },
    });
    const denied = Object.assign(
      new Error('User is not authorized to perform: sns:ListSubscriptionsByTopic'),
      {
        name: 'AuthorizationErrorException',
      },
    );
    sns.on(ListSubscriptionsByTopicCommand).rejects(denied);

    const report = await run();

    expect(find(report.checks, 'store', 'sessions')?.detail).toBe(
      'index byUser of table app-sessions is CREATING, not ACTIVE',
    );
    expect(find(report.checks, 'alarm topic')?.detail).toBe(
      'AuthorizationErrorException: User is not authorized to perform: sns:ListSubscriptionsByTopic',
    );
    expect(report.counts).toEqual({ pass: 5, fail: 2, skip: 1 });
  });

  it('checks the retention index and, for a ttl rule, that TTL is on the expiry attribute', async () => {
    // Arrange: a ttl rule over sessions; the table has the index, TTL is off
    const withRetention: DataMap = {
      ...dataMap,
      retention: [
        {
          category: 'sessions',
          labels: { en: 'Sessions' },
          window: 'P30D',
          ttl: true,
          stores: [{ store: 'sessions', timeAttribute: 'lastSeenAt' }],
        },
      ],
    };
    ddb.on(DescribeTableCommand, { TableName: 'app-sessions' }).resolves({
      Table: {
        KeySchema: [{ AttributeName: 'sessionId', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'letheExpiresAt', AttributeType: 'N' }],
        GlobalSecondaryIndexes: [
          { IndexName: 'byUser', KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }] },
          {
            IndexName: 'lethe-retention',
            KeySchema: [
              { AttributeName: 'letheRetention', KeyType: 'HASH' },
              { AttributeName: 'letheExpiresAt', KeyType: 'RANGE' },
            ],
          },
        ],
      },
    });
    ddb
      .on(DescribeTimeToLiveCommand)
      .resolvesOnce({ TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } })
      .resolvesOnce({
        TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED', AttributeName: 'letheExpiresAt' },
      });
    const config = { dataMap: withRetention, notices: { sender: 'no-reply@mail.example.com' } };

    // Act
    const off = await run({ config });
    const on = await run({ config });

    // Assert
    expect(find(off.checks, 'retention')).toEqual({
      check: 'retention',
      subject: 'sessions: sessions',
      status: 'fail',
      detail: 'the rule sets ttl, but table app-sessions has TTL DISABLED, not on letheExpiresAt',
    });
    expect(find(on.checks, 'retention')).toMatchObject({
      status: 'pass',
      detail: 'table app-sessions, index lethe-retention, TTL on letheExpiresAt',
    });
    // One DescribeTable per table, however many checks read it
    expect(ddb.commandCalls(DescribeTableCommand, { TableName: 'app-sessions' })).toHaveLength(2);
  });

  it('checks that a log group a rule names keeps its logs no longer than the window', async () => {
    // Arrange: access logs, 14 days; the group keeps logs forever, then 14 days, then is gone
    const withLogs: DataMap = {
      ...dataMap,
      retention: [
        {
          category: 'access-logs',
          labels: { en: 'Access logs' },
          window: 'P14D',
          logGroups: ['/app/access'],
        },
      ],
    };
    logs
      .on(DescribeLogGroupsCommand, { logGroupNamePrefix: '/app/access' })
      .resolvesOnce({ logGroups: [{ logGroupName: '/app/access' }] })
      .resolvesOnce({ logGroups: [{ logGroupName: '/app/access', retentionInDays: 14 }] })
      .resolvesOnce({ logGroups: [] });
    const config = { dataMap: withLogs, notices: { sender: 'no-reply@mail.example.com' } };

    // Act
    const [forever, within, gone] = [await run({ config }), await run({ config }), await run({ config })];

    // Assert
    expect(find(forever.checks, 'retention')).toEqual({
      check: 'retention',
      subject: 'access-logs: /app/access',
      status: 'fail',
      detail:
        'log group /app/access keeps logs forever; category access-logs allows 14 (window P14D): the retention sweeper sets it on its next run',
    });
    expect(find(within.checks, 'retention')).toMatchObject({
      status: 'pass',
      detail: 'log group /app/access keeps logs 14 days (allowed: 14)',
    });
    expect(find(gone.checks, 'retention')).toMatchObject({
      status: 'fail',
      detail: 'log group /app/access does not exist: check the name in the rule',
    });
  });

  it('checks a ttl rule on a versioned bucket expires old versions too, and refuses a tag-filtered rule', async () => {
    // Arrange: uploads, versioned, under a 30-day ttl rule
    const withTtl: DataMap = {
      ...dataMap,
      stores: dataMap.stores.map((s) => (s.name === 'uploads' ? { ...s, versioned: true } : s)),
      retention: [
        {
          category: 'uploads',
          labels: { en: 'Uploads' },
          window: 'P30D',
          ttl: true,
          stores: [{ store: 'uploads' }],
        },
      ],
    };
    const current = {
      ID: 'a',
      Status: 'Enabled' as const,
      Filter: { Prefix: 'u/' },
      Expiration: { Days: 30 },
    };
    s3.on(GetBucketLifecycleConfigurationCommand, { Bucket: 'app-uploads' })
      .resolvesOnce({ Rules: [current] })
      .resolvesOnce({
        Rules: [{ ...current, Filter: { And: { Prefix: 'u/', Tags: [{ Key: 'k', Value: 'v' }] } } }],
      })
      .resolvesOnce({
        Rules: [{ ...current, Filter: { Prefix: '' }, NoncurrentVersionExpiration: { NoncurrentDays: 1 } }],
      });
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
    const config = { dataMap: withTtl, notices: { sender: 'no-reply@mail.example.com' } };

    // Act
    const [noVersions, tagged, whole] = [await run({ config }), await run({ config }), await run({ config })];

    // Assert
    const missing =
      'bucket app-uploads has no lifecycle rule expiring "u/" after 30 days, noncurrent versions too (category uploads, window P30D, ttl): add it (docs/retention.md)';
    expect(find(noVersions.checks, 'retention')).toMatchObject({ status: 'fail', detail: missing });
    expect(find(tagged.checks, 'retention')).toMatchObject({ status: 'fail', detail: missing });
    // A rule over the whole bucket covers the prefix.
    expect(find(whole.checks, 'retention')).toMatchObject({
      status: 'pass',
      detail: 'bucket app-uploads: lifecycle rule a expires "" after 30 days',
    });
  });

  it('fails a lifecycle rule that expires a category without ttl: S3 would delete what a hold keeps', async () => {
    // Arrange: uploads under a 30-day rule without ttl; the bucket first has a rule on a part of the prefix
    const noTtl: DataMap = {
      ...dataMap,
      retention: [
        { category: 'uploads', labels: { en: 'Uploads' }, window: 'P30D', stores: [{ store: 'uploads' }] },
      ],
    };
    s3.on(GetBucketLifecycleConfigurationCommand, { Bucket: 'app-uploads' })
      .resolvesOnce({
        Rules: [{ ID: 'tmp', Status: 'Enabled', Filter: { Prefix: 'u/acc-1/' }, Expiration: { Days: 1 } }],
      })
      .resolvesOnce({
        Rules: [
          { ID: 'off', Status: 'Disabled', Filter: { Prefix: 'u/' }, Expiration: { Days: 1 } },
          { ID: 'other', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 1 } },
        ],
      });
    const config = { dataMap: noTtl, notices: { sender: 'no-reply@mail.example.com' } };

    // Act
    const [breaking, harmless] = [await run({ config }), await run({ config })];

    // Assert
    expect(find(breaking.checks, 'retention')).toEqual({
      check: 'retention',
      subject: 'uploads: uploads',
      status: 'fail',
      detail:
        'bucket app-uploads: lifecycle rule tmp expires objects under "u/acc-1/", which ignores legal holds, and category uploads does not set ttl: remove the rule, or set ttl if no hold must keep these (docs/retention.md)',
    });
    expect(find(harmless.checks, 'retention')).toMatchObject({
      status: 'pass',
      detail: 'bucket app-uploads: no lifecycle rule expires "u/" (holds win)',
    });
  });
});
