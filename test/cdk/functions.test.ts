import type { Role } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { profileStore } from '../../functions/core/data-map.ts';
import { accountsTable } from '../../functions/core/resources.ts';
import { fallbackRoute, routes } from '../../functions/http/routes.ts';
import { config } from '../../lethe.config.ts';
import type { LetheFunction } from '../../lib/lethe-function.ts';
import {
  actionsOf,
  logicalIdOf,
  resourcesOf,
  type StatementJson,
  statementsOfPolicy,
  synthLethe,
} from './synth.ts';

// Arrange (shared): one synth for the whole file.
const { stateful, stateless, statelessTemplate: template } = synthLethe();
const resources = resourcesOf(template);
const functions = [...stateless.api.functions.entries()];

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
const functionOf = (id: string): LetheFunction => {
  const fn = stateless.api.functions.get(id);
  if (!fn) throw new Error(`no function for route ${id}`);
  return fn;
};
const propsOf = (fn: LetheFunction) => resources[logicalIdOf(fn)]!.Properties as unknown as FunctionProps;

describe('LetheStateless functions', () => {
  it('has one function per route plus the not-found fallback, and no others', () => {
    expect([...stateless.api.functions.keys()].sort()).toEqual(
      [...routes.map((r) => r.id), fallbackRoute.id].sort(),
    );
    template.resourceCountIs('AWS::Lambda::Function', routes.length + 1);
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
      POWERTOOLS_SERVICE_NAME: 'lethe',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it.each(functions)('%s has its own role with no AWS managed policy', (_id, fn) => {
    const role = resources[logicalIdOf(fn.role as Role)]!;
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it.each(functions)('%s writes logs only to its own log group', (_id, fn) => {
    const logs = statementsOf(fn).filter((s) => actionsOf(s).some((a) => a.startsWith('logs:')));
    expect(logs).toEqual([
      {
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [propsOf(fn).LoggingConfig.LogGroup.Ref, 'Arn'] },
      },
    ]);
  });
});

describe('least privilege', () => {
  it('get-account may only GetItem on Accounts and Query the profile table', () => {
    expect(dynamoActionsOf(functionOf('get-account'))).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
  });

  it.each(routes.filter((r) => r.access.includes('accounts:write')).map((r) => r.id))(
    '%s may only GetItem and UpdateItem on Accounts and Query the profile table',
    (id) => {
      expect(dynamoActionsOf(functionOf(id))).toEqual([
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ]);
    },
  );

  it.each(['health', fallbackRoute.id])('%s touches no table and gets no table env', (id) => {
    const fn = functionOf(id);
    expect(dynamoActionsOf(fn)).toEqual([]);
    expect(propsOf(fn).Environment.Variables[accountsTable.env]).toBeUndefined();
  });

  it("grants GetItem and UpdateItem on the Accounts table's ARN alone (no index, no other table)", () => {
    const tableArnOutput = new RegExp(`^PublishOutputFnGetAtt${logicalIdOf(stateful.accountsTable)}Arn`);
    const grants = functions.flatMap(([, fn]) =>
      statementsOf(fn).filter((s) =>
        actionsOf(s).some((a) => a === 'dynamodb:GetItem' || a === 'dynamodb:UpdateItem'),
      ),
    );
    expect(grants.length).toBe(routes.filter((r) => r.access.some((a) => a.startsWith('accounts:'))).length);
    for (const statement of grants) {
      expect(actionsOf(statement).every((a) => a === 'dynamodb:GetItem' || a === 'dynamodb:UpdateItem')).toBe(
        true,
      );
      const output = (
        statement.Resource as { 'Fn::GetStackOutput': { StackName: string; OutputName: string } }
      )['Fn::GetStackOutput'];
      expect(output.StackName).toBe(stateful.stackName);
      expect(output.OutputName).toMatch(tableArnOutput);
    }
  });

  it("queries the data map's profile table by name, as an ARN in this account and region", () => {
    const table = profileStore(config.dataMap).table;
    for (const [, fn] of functions) {
      for (const statement of statementsOf(fn).filter((s) => actionsOf(s).includes('dynamodb:Query'))) {
        expect(actionsOf(statement)).toEqual(['dynamodb:Query']);
        expect(statement.Resource).toEqual({
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':dynamodb:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              `:table/${table}`,
            ],
          ],
        });
      }
    }
  });

  it('never grants Scan, a service wildcard or "*" as an action, anywhere', () => {
    const actions = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => statementsOfPolicy(r).flatMap(actionsOf));
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((a) => a.includes('*') || a === 'dynamodb:Scan')).toEqual([]);
  });

  it('uses Resource "*" only for the X-Ray actions that allow nothing narrower', () => {
    const wildcard = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap(statementsOfPolicy)
      .filter((s) => JSON.stringify(s.Resource).includes('*'));
    expect(wildcard.length).toBe(functions.length);
    for (const statement of wildcard) {
      expect(statement.Resource).toBe('*');
      expect(actionsOf(statement).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    }
  });

  it('gives every Accounts user the table name and the grace period, from one call', () => {
    for (const route of routes.filter((r) => r.access.some((a) => a.startsWith('accounts:')))) {
      const env = propsOf(functionOf(route.id)).Environment.Variables;
      expect(env[accountsTable.env]).toBeDefined();
      expect(env.LETHE_GRACE_PERIOD).toBe(config.gracePeriod);
    }
  });
});
