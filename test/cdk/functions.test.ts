import type { Role } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { profileStore, s3Stores } from '../../functions/core/data-map.ts';
import {
  accountsTable,
  auditTable,
  exportQueue,
  noticeQueue,
  purgeQueue,
} from '../../functions/core/resources.ts';
import { retentionLogGroups, retentionTasks } from '../../functions/core/retention.ts';
import { fallbackRoute, routes } from '../../functions/http/routes.ts';
import { config } from '../../lethe.config.ts';
import { prefixPatternOf } from '../../lib/data-map-grants.ts';
import { type LetheFunction, SUBJECT_KEY_ENV } from '../../lib/lethe-function.ts';
import {
  actionsOf,
  arnJson,
  grantsOf,
  logicalIdOf,
  resourcesOf,
  type StatementJson,
  statefulOutputOf,
  statementsOfPolicy,
  synthLethe,
} from './synth.ts';

// Arrange (shared): one synth for the whole file.
const { stateful, stateless, statelessTemplate: template } = synthLethe();
const resources = resourcesOf(template);
const httpFunctions = [...stateless.api.functions.entries()];
const { sweeper, purgeWorker } = stateless.enforcement;
const exportWorker = stateless.export.worker;
const retentionSweeper = stateless.retention!.sweeper;
/** Every function in the stateless stack: the HTTP ones, enforcement's, export's and retention's. */
const functions: [string, LetheFunction][] = [
  ...httpFunctions,
  ['sweeper', sweeper],
  ['purge-worker', purgeWorker],
  ['notice-sender', stateless.notices.sender],
  ['notice-feedback', stateless.notices.feedback],
  ['export-worker', exportWorker],
  ['event-publisher', stateless.events.publisher],
  // The demo data map names a user pool, so the sign-in follower is there.
  ['sign-in', stateless.events.signIn as LetheFunction],
  ['retention-sweeper', retentionSweeper],
];

interface FunctionProps {
  readonly Runtime: string;
  readonly Architectures: string[];
  readonly TracingConfig: unknown;
  readonly Handler: string;
  readonly LoggingConfig: { readonly LogFormat: string; readonly LogGroup: { readonly Ref: string } };
  readonly Environment: { readonly Variables: Record<string, unknown> };
}

const statementsOf = (fn: LetheFunction): StatementJson[] =>
  statementsOfPolicy(resources[logicalIdOf((fn.role as Role).node.findChild('DefaultPolicy'))]!);
const dynamoActionsOf = (fn: LetheFunction): string[] =>
  statementsOf(fn)
    .flatMap(actionsOf)
    .filter((action) => action.startsWith('dynamodb:'))
    .sort();
/** True when `value` is the stateful stack's `construct` (its ARN or its Ref), handed over as a stack output. */
const isFromStateful = (value: unknown, construct: IConstruct, attribute: 'Arn' | 'Ref'): boolean => {
  const output = statefulOutputOf(value);
  const id = logicalIdOf(construct);
  const name = attribute === 'Arn' ? `PublishOutputFnGetAtt${id}Arn` : `PublishOutputRef${id}`;
  return output?.StackName === stateful.stackName && output.OutputName.startsWith(name);
};
const grantsOn = (fn: LetheFunction, construct: IConstruct): string[] =>
  grantsOf(statementsOf(fn))
    .filter((g) => isFromStateful(g.resource, construct, construct === stateful.subjectKey ? 'Ref' : 'Arn'))
    .map((g) => g.action)
    .sort();

const functionOf = (id: string): LetheFunction => {
  const fn = stateless.api.functions.get(id);
  if (!fn) throw new Error(`no function for route ${id}`);
  return fn;
};
/** Every function's first layer: its instance's configuration (lib/runtime-config.ts). */
const configLayer = { Ref: logicalIdOf(stateless.lethe.runtimeConfig.layer) };
const propsOf = (fn: LetheFunction) => resources[logicalIdOf(fn)]!.Properties as unknown as FunctionProps;

describe('LetheStateless functions', () => {
  it('gives every function its own code asset (bundles are never shared by mistake)', () => {
    const keys = functions.map(([, fn]) =>
      JSON.stringify((propsOf(fn) as unknown as { Code: unknown }).Code),
    );
    expect(new Set(keys).size).toBe(functions.length);
  });

  it('has one function per route plus the not-found fallback, the sweeper, the purge and export workers, the notice sender and feedback, and no others', () => {
    expect([...stateless.api.functions.keys()].sort()).toEqual(
      [...routes.map((r) => r.id), fallbackRoute.id].sort(),
    );
    template.resourceCountIs('AWS::Lambda::Function', routes.length + 1 + 5 + 2 + 1);
  });

  it.each(functions)('%s runs Node 24 on arm64 with active tracing', (_id, fn) => {
    const props = propsOf(fn);
    expect(props.Runtime).toBe('nodejs24.x');
    expect(props.Architectures).toEqual(['arm64']);
    expect(props.TracingConfig).toEqual({ Mode: 'Active' });
    expect(props.Handler).toBe('index.handler');
  });

  it.each(functions)('%s logs JSON to its own log group, kept for the configured days', (_id, fn) => {
    const props = propsOf(fn);
    expect(props.LoggingConfig.LogFormat).toBe('JSON');
    const logGroup = resources[props.LoggingConfig.LogGroup.Ref]!;
    expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup.Properties.RetentionInDays).toBe(config.logRetentionDays);
  });

  it('keeps every log group in the stack for the configured days, and retains it on stack deletion', () => {
    const logGroups = Object.values(resources).filter((r) => r.Type === 'AWS::Logs::LogGroup');
    expect(logGroups.length).toBe(functions.length + 1); // one per function, plus the API's access logs
    for (const logGroup of logGroups) {
      expect(logGroup.Properties.RetentionInDays).toBe(config.logRetentionDays);
      expect(logGroup.DeletionPolicy).toBe('Retain');
    }
  });

  it.each(functions)('%s sets the service name and source maps', (_id, fn) => {
    expect(propsOf(fn).Environment.Variables).toMatchObject({
      // One per Lethe instance, so two instances' metrics stay apart (test/cdk/monitoring.test.ts).
      POWERTOOLS_SERVICE_NAME: expect.stringMatching(/-lethe$/),
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it.each(functions)('%s has its own role with no AWS managed policy', (_id, fn) => {
    const role = resources[logicalIdOf(fn.role as Role)]!;
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it.each(functions)('%s writes logs only to its own log group', (id, fn) => {
    const logs = statementsOf(fn).filter((s) => actionsOf(s).some((a) => a.startsWith('logs:')));
    // The retention sweeper also holds the rules' log groups to their windows (test/cdk/retention.test.ts).
    const retention = id === 'retention-sweeper' ? ['logs:DescribeLogGroups', 'logs:PutRetentionPolicy'] : [];
    expect(logs.flatMap(actionsOf).sort()).toEqual(
      ['logs:CreateLogStream', 'logs:PutLogEvents', ...retention].sort(),
    );
    expect(logs.filter((s) => actionsOf(s).includes('logs:PutLogEvents'))).toEqual([
      {
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [propsOf(fn).LoggingConfig.LogGroup.Ref, 'Arn'] },
      },
    ]);
  });
});

const accountRoutes = routes.filter((r) => r.access.some((a) => a.startsWith('accounts:')));
const writeRoutes = routes.filter((r) => r.access.includes('accounts:write')).map((r) => r.id);
const readOnlyRoutes = accountRoutes.filter((r) => !r.access.includes('accounts:write')).map((r) => r.id);

describe('least privilege: HTTP routes', () => {
  it('get-account may only GetItem on Accounts (record and tombstone) and Query the profile table', () => {
    expect(dynamoActionsOf(functionOf('get-account'))).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
    expect(grantsOn(functionOf('get-account'), stateful.accountsTable)).toEqual(['dynamodb:GetItem']);
  });

  it.each(writeRoutes)(
    '%s may only GetItem and UpdateItem on Accounts (and notice records), PutItem on Audit and Query the profile table',
    (id) => {
      const fn = functionOf(id);
      expect(dynamoActionsOf(fn)).toEqual(
        expect.arrayContaining([
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'dynamodb:UpdateItem',
        ]),
      );
      const notices = routes.find((r) => r.id === id)?.access.includes('notices:write');
      // Deactivate and restore also put and delete the deactivation's notice records.
      expect(grantsOn(fn, stateful.accountsTable)).toEqual(
        notices
          ? ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']
          : ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      );
      expect(grantsOn(fn, stateful.auditTable)).toEqual(['dynamodb:PutItem']);
    },
  );

  it.each(functions.filter(([, fn]) => propsOf(fn).Environment.Variables[auditTable.env] !== undefined))(
    '%s keeps audit events for the configured retention',
    (_id, fn) => {
      expect(propsOf(fn).Environment.Variables.LETHE_AUDIT_RETENTION).toBe(config.auditRetention);
    },
  );

  it.each(readOnlyRoutes)('%s is told the Audit table (read at cold start) but may not write to it', (id) => {
    const fn = functionOf(id);
    expect(grantsOn(fn, stateful.auditTable)).toEqual([]);
    expect(propsOf(fn).Environment.Variables[auditTable.env]).toBeDefined();
  });

  it.each(accountRoutes.map((r) => r.id))(
    '%s may GetSecretValue on the subject key and no other secret',
    (id) => {
      const fn = functionOf(id);
      const secrets = grantsOf(statementsOf(fn)).filter((g) => g.action.startsWith('secretsmanager:'));
      expect(secrets).toHaveLength(1);
      expect(secrets[0]!.action).toBe('secretsmanager:GetSecretValue');
      expect(isFromStateful(secrets[0]!.resource, stateful.subjectKey, 'Ref')).toBe(true);
      expect(
        isFromStateful(propsOf(fn).Environment.Variables[SUBJECT_KEY_ENV], stateful.subjectKey, 'Ref'),
      ).toBe(true);
    },
  );

  it.each(['health', fallbackRoute.id])('%s touches no table or secret and gets no table env', (id) => {
    const fn = functionOf(id);
    expect(dynamoActionsOf(fn)).toEqual([]);
    expect(grantsOf(statementsOf(fn)).filter((g) => g.action.startsWith('secretsmanager:'))).toEqual([]);
    const env = propsOf(fn).Environment.Variables;
    expect(env[accountsTable.env]).toBeUndefined();
    expect(env[auditTable.env]).toBeUndefined();
    expect(env[SUBJECT_KEY_ENV]).toBeUndefined();
    // Only the instance's configuration layer: no extension.
    expect(resources[logicalIdOf(fn)]!.Properties.Layers).toEqual([configLayer]);
  });

  it("grants Lethe's tables to HTTP routes on their ARNs alone (no index, no other table)", () => {
    const tables = [stateful.accountsTable, stateful.auditTable, stateful.exportsTable, stateful.outboxTable];
    for (const [, fn] of httpFunctions) {
      const fromStateful = grantsOf(statementsOf(fn)).filter(
        (g) => statefulOutputOf(g.resource) !== undefined,
      );
      for (const grant of fromStateful) {
        const isTable = tables.some((t) => isFromStateful(grant.resource, t, 'Arn'));
        const isKey = isFromStateful(grant.resource, stateful.subjectKey, 'Ref');
        expect(isTable || isKey, JSON.stringify(grant)).toBe(true);
      }
    }
  });

  it("queries the data map's profile table by name, as an ARN in this account and region", () => {
    const table = profileStore(config.dataMap).table;
    for (const [, fn] of httpFunctions) {
      const onProfiles = (s: StatementJson) =>
        actionsOf(s).includes('dynamodb:Query') && statefulOutputOf(s.Resource) === undefined;
      for (const statement of statementsOf(fn).filter(onProfiles)) {
        expect(actionsOf(statement)).toEqual(['dynamodb:Query']);
        expect(statement.Resource).toEqual(arnJson('dynamodb', `table/${table}`));
      }
    }
  });
});

describe('least privilege: export', () => {
  it('request-export reads the account, creates export records and sends to the export queue only', () => {
    const fn = functionOf('request-export');
    expect(grantsOn(fn, stateful.accountsTable)).toEqual(['dynamodb:GetItem']);
    expect(grantsOn(fn, stateful.exportsTable)).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    const sends = grantsOf(statementsOf(fn)).filter((g) => g.action.startsWith('sqs:'));
    expect(sends).toEqual([
      {
        action: 'sqs:SendMessage',
        resource: { 'Fn::GetAtt': [logicalIdOf(stateless.export.exportQueue), 'Arn'] },
      },
    ]);
    expect(grantsOf(statementsOf(fn)).filter((g) => g.action.startsWith('s3:'))).toEqual([]);
  });

  it('get-export may GetItem export records and GetObject (to presign) under exports/ only', () => {
    const fn = functionOf('get-export');
    expect(dynamoActionsOf(fn)).toEqual(['dynamodb:GetItem']);
    expect(grantsOn(fn, stateful.exportsTable)).toEqual(['dynamodb:GetItem']);
    const s3 = grantsOf(statementsOf(fn)).filter((g) => g.action.startsWith('s3:'));
    expect(s3.map((g) => g.action)).toEqual(['s3:GetObject']);
    expect(JSON.stringify(s3[0]!.resource)).toMatch(/lethestateful-lethe-exports-.*\/exports\/\*\/\*/);
    expect(propsOf(fn).Environment.Variables[SUBJECT_KEY_ENV]).toBeUndefined();
  });

  it('the export worker only reads the data map: Query, BatchGetItem for index lookups, List and GetObject', () => {
    const grants = grantsOf(statementsOf(exportWorker));
    const dataMap = grants.filter(
      (g) =>
        (g.action.startsWith('dynamodb:') || g.action.startsWith('s3:')) &&
        statefulOutputOf(g.resource) === undefined &&
        !JSON.stringify(g.resource).includes('-exports-'),
    );
    expect([...new Set(dataMap.map((g) => g.action))].sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:Query',
      's3:GetObject',
      's3:ListBucket',
    ]);
    expect(grantsOn(exportWorker, stateful.exportsTable)).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
    ]);
    expect(grantsOn(exportWorker, stateful.accountsTable)).toEqual(['dynamodb:GetItem']);
    const archives = grants.filter((g) => JSON.stringify(g.resource).includes('-exports-'));
    expect(archives.map((g) => g.action).sort()).toEqual([
      's3:AbortMultipartUpload',
      's3:DeleteObject',
      's3:PutObject',
    ]);
  });
});

describe('least privilege: enforcement', () => {
  it('the sweeper may UpdateItem and BatchGetItem on Accounts and Query its due indexes only', () => {
    const grants = grantsOf(statementsOf(sweeper));
    // BatchGetItem: the confirmations owed to processors with a status URL, before they are polled.
    expect(grantsOn(sweeper, stateful.accountsTable)).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:UpdateItem',
    ]);
    const queries = grants.filter((g) => g.action === 'dynamodb:Query');
    expect(queries).toHaveLength(accountsTable.indexes.length);
    const suffixes = queries.map((query) => {
      const [tableArn, suffix] = (query.resource as { 'Fn::Join': [string, [unknown, string]] })[
        'Fn::Join'
      ][1];
      expect(isFromStateful(tableArn, stateful.accountsTable, 'Arn')).toBe(true);
      return suffix;
    });
    expect(suffixes).toEqual([
      '/index/confirmations-due',
      '/index/due',
      '/index/holds',
      '/index/notices-due',
    ]);
    expect(dynamoActionsOf(sweeper)).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
  });

  it('the sweeper appends to the audit trail and reads the subject key', () => {
    expect(grantsOn(sweeper, stateful.auditTable)).toEqual(['dynamodb:PutItem']);
    expect(grantsOn(sweeper, stateful.subjectKey)).toEqual(['secretsmanager:GetSecretValue']);
  });

  it('the purge worker may read, checkpoint, delete and tombstone on Accounts, append to Audit and erase user reasons there', () => {
    expect(grantsOn(purgeWorker, stateful.accountsTable)).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    expect(grantsOn(purgeWorker, stateful.auditTable)).toEqual([
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(grantsOn(purgeWorker, stateful.subjectKey)).toEqual(['secretsmanager:GetSecretValue']);
  });

  it.each([
    ['sweeper', sweeper],
    ['purge-worker', purgeWorker],
  ] as const)('%s gets the env its cold start requires', (_id, fn) => {
    const env = propsOf(fn).Environment.Variables;
    expect(isFromStateful(env[accountsTable.env], stateful.accountsTable, 'Ref')).toBe(true);
    expect(isFromStateful(env[auditTable.env], stateful.auditTable, 'Ref')).toBe(true);
    expect(isFromStateful(env[SUBJECT_KEY_ENV], stateful.subjectKey, 'Ref')).toBe(true);
    expect(env.PURGE_QUEUE_URL).toEqual({ Ref: logicalIdOf(stateless.enforcement.purgeQueue) });
  });
});

describe('least privilege: the dead-letter queues', () => {
  const dlqs = [
    ['purge-worker', purgeWorker, stateless.enforcement.purgeDlq, purgeQueue],
    ['notice-sender', stateless.notices.sender, stateless.notices.dlq, noticeQueue],
    ['export-worker', exportWorker, stateless.export.exportDlq, exportQueue],
  ] as const;
  const dlqArnOf = (dlq: IConstruct) => ({ 'Fn::GetAtt': [logicalIdOf(dlq), 'Arn'] });

  it.each(dlqs)('%s may only SendMessage to its own DLQ, whose URL it gets', (_id, fn, dlq, definition) => {
    // Unreadable jobs go there at once (functions/commons/unreadable-jobs.ts); nothing else may touch a DLQ.
    const grants = grantsOf(statementsOf(fn));
    const onDlq = grants.filter((g) => JSON.stringify(g.resource) === JSON.stringify(dlqArnOf(dlq)));
    expect(onDlq.map((g) => g.action)).toEqual(['sqs:SendMessage']);
    expect(propsOf(fn).Environment.Variables[definition.dlqEnv]).toEqual({ Ref: logicalIdOf(dlq) });
    const otherDlqs = dlqs.filter(([, , other]) => other !== dlq).map(([, , other]) => dlqArnOf(other));
    for (const other of otherDlqs) {
      expect(grants.filter((g) => JSON.stringify(g.resource) === JSON.stringify(other))).toEqual([]);
    }
  });

  it('no other function may write to these DLQs', () => {
    const writers = functions.filter(([, fn]) =>
      grantsOf(statementsOf(fn)).some((g) =>
        dlqs.some(([, , dlq]) => JSON.stringify(g.resource) === JSON.stringify(dlqArnOf(dlq))),
      ),
    );
    expect(writers.map(([id]) => id).sort()).toEqual(['export-worker', 'notice-sender', 'purge-worker']);
  });
});

describe('the subject key extension', () => {
  const readers = functions.filter(
    ([, fn]) => propsOf(fn).Environment.Variables[SUBJECT_KEY_ENV] !== undefined,
  );

  it('is on every function that reads the subject key', () => {
    expect(readers.map(([id]) => id).sort()).toEqual(
      [
        ...accountRoutes.map((r) => r.id),
        'confirm-deletion',
        'sweeper',
        'purge-worker',
        'notice-sender',
        'retention-sweeper',
      ].sort(),
    );
  });

  it.each(readers)(
    '%s has the arm64 Parameters and Secrets extension, on the port the code calls',
    (_id, fn) => {
      const props = resources[logicalIdOf(fn)]!.Properties;
      expect(props.Layers).toHaveLength(2);
      expect(props.Layers).toContainEqual(configLayer);
      expect(props.Layers).toContainEqual({
        'Fn::FindInMap': [expect.any(String), { Ref: 'AWS::Region' }, expect.stringMatching(/arm64$/)],
      });
      expect(propsOf(fn).Environment.Variables.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT).toBe('2773');
    },
  );

  it('maps each region to the arm64 build of the extension', () => {
    const [mapName] = (
      resources[logicalIdOf(sweeper)]!.Properties.Layers as { 'Fn::FindInMap'?: [string] }[]
    ).find((layer) => layer['Fn::FindInMap'] !== undefined)!['Fn::FindInMap']!;
    const mapping = (
      template.toJSON() as { Mappings: Record<string, Record<string, Record<string, string>>> }
    ).Mappings[mapName]!;
    expect(Object.keys(mapping)).toContain('us-east-1');
    for (const byVersion of Object.values(mapping)) {
      for (const arn of Object.values(byVersion)) {
        expect(arn).toMatch(/:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:\d+$/);
      }
    }
  });
});

describe('least privilege: everywhere', () => {
  it('never grants Scan, a service wildcard or "*" as an action, anywhere', () => {
    const actions = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => statementsOfPolicy(r).flatMap(actionsOf));
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((a) => a.includes('*') || a === 'dynamodb:Scan')).toEqual([]);
  });

  it('uses Resource "*" only for the X-Ray actions that allow nothing narrower', () => {
    const everywhere = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap(statementsOfPolicy)
      .filter((s) => s.Resource === '*');
    expect(everywhere.length).toBe(functions.length);
    for (const statement of everywhere) {
      // The stream event source's ListStreams has no resource-level permission; only the publisher has it.
      const actions = actionsOf(statement).filter((a) => a !== 'dynamodb:ListStreams');
      expect(actions.sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    }
    expect(everywhere.filter((s) => actionsOf(s).includes('dynamodb:ListStreams'))).toHaveLength(1);
  });

  it("has no other wildcard in a resource than the data map prefixes and the sweeper's qualified ARNs", () => {
    const wildcards = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => grantsOf(statementsOfPolicy(r)))
      .filter((g) => g.resource !== '*' && JSON.stringify(g.resource).includes('*'));
    // The export archives' prefix, exports/<account>/<export>.zip: every action on it, once.
    const isArchives = (g: { resource: unknown }) => JSON.stringify(g.resource).includes('/exports/*/*');
    const exportWildcards = [...new Set(wildcards.filter(isArchives).map((g) => g.action))];
    const dataMapWildcards = wildcards
      .filter((g) => !isArchives(g))
      .map((g) => `${g.action} ${JSON.stringify(g.resource)}`)
      .sort();
    expect(dataMapWildcards).toEqual(
      [
        ...s3Stores(config.dataMap).map(
          (store) =>
            `s3:DeleteObject ${JSON.stringify(arnJson('s3', `${store.bucket}/${prefixPatternOf(store)}*`, { regional: false }))}`,
        ),
        ...s3Stores(config.dataMap).map(
          (store) =>
            `s3:GetObject ${JSON.stringify(arnJson('s3', `${store.bucket}/${prefixPatternOf(store)}*`, { regional: false }))}`,
        ),
        `lambda:InvokeFunction ${JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalIdOf(sweeper), 'Arn'] }, ':*']] })}`,
        // Retention (lib/retention.ts): the prefixes its rules name, and its own schedule's invoke.
        ...retentionTasks(config.dataMap).flatMap((task) =>
          task.store.kind === 's3-prefix'
            ? [
                `s3:DeleteObject ${JSON.stringify(arnJson('s3', `${task.store.bucket}/${prefixPatternOf(task.store)}*`, { regional: false }))}`,
              ]
            : [],
        ),
        `lambda:InvokeFunction ${JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalIdOf(retentionSweeper), 'Arn'] }, ':*']] })}`,
        // ...and the log groups: settings of the account's groups, the retention of each named one.
        `logs:DescribeLogGroups ${JSON.stringify(arnJson('logs', 'log-group:*'))}`,
        ...retentionLogGroups(config.dataMap).map(
          ({ group }) => `logs:PutRetentionPolicy ${JSON.stringify(arnJson('logs', `log-group:${group}:*`))}`,
        ),
      ].sort(),
    );
    expect(exportWildcards.sort()).toEqual([
      's3:AbortMultipartUpload',
      's3:DeleteObject',
      's3:GetObject',
      's3:PutObject',
    ]);
  });

  it('gives every Accounts user the table name and the grace period, from one call', () => {
    for (const route of accountRoutes) {
      const env = propsOf(functionOf(route.id)).Environment.Variables;
      expect(env[accountsTable.env]).toBeDefined();
      expect(env.LETHE_GRACE_PERIOD).toBe(config.gracePeriod);
    }
  });
});
