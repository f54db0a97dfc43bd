import { App, SecretValue, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { Role } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { cognitoStores } from '../../functions/core/data-map.ts';
import { DETAIL_TYPES } from '../../functions/core/events.ts';
import { config } from '../../lethe.config.ts';
import { Lethe } from '../../lib/lethe.ts';
import {
  actionsOn,
  arnJson,
  grantsOf,
  logicalIdOf,
  resourcesOf,
  statementsOfRole,
  synthLethe,
  testAppProps,
} from './synth.ts';

const { stateless, statelessTemplate: template } = synthLethe();
const resources = resourcesOf(template);
const { events } = stateless;
const ref = (construct: Parameters<typeof logicalIdOf>[0]) => ({ Ref: logicalIdOf(construct) });
const arnOf = (construct: Parameters<typeof logicalIdOf>[0]) => ({
  'Fn::GetAtt': [logicalIdOf(construct), 'Arn'],
});
const ofType = (type: string) => Object.values(resources).filter((r) => r.Type === type);
const pool = cognitoStores(config.dataMap)[0]!;

describe('the event publisher', () => {
  it('reads only new outbox items, in order, reporting the first failure, and sends exhausted batches to the DLQ', () => {
    // Arrange
    const mappings = ofType('AWS::Lambda::EventSourceMapping').filter(
      (m) => JSON.stringify(m.Properties.FunctionName) === JSON.stringify(ref(events.publisher)),
    );

    // Assert
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.Properties).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ParallelizationFactor: 1,
      BisectBatchOnFunctionError: false,
      MaximumRetryAttempts: -1,
      MaximumRecordAgeInSeconds: 86_400,
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'] }) }] },
      DestinationConfig: { OnFailure: { Destination: arnOf(events.dlq) } },
    });
  });

  it('may put events on its bus, send to its DLQ and delete from the outbox, and nothing else of ours', () => {
    // Arrange
    const grants = grantsOf(statementsOfRole(resources, events.publisher.role as Role));

    // Assert
    expect(actionsOn(grants, arnOf(events.bus))).toEqual(['events:PutEvents']);
    // SendMessage for refused events; the stream mapping's on-failure destination adds the other two.
    expect(actionsOn(grants, arnOf(events.dlq))).toEqual([
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    const onOutbox = grants.filter((g) => JSON.stringify(g.resource).includes('Outbox')).map((g) => g.action);
    expect([...new Set(onOutbox)].sort()).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
    ]);
    expect(grants.some((g) => g.action.startsWith('cognito-idp:'))).toBe(false);
  });

  it('is told its bus, source and DLQ', () => {
    const variables = (
      resources[logicalIdOf(events.publisher)]!.Properties.Environment as { Variables: object }
    ).Variables;
    expect(variables).toMatchObject({
      LETHE_EVENT_BUS: ref(events.bus),
      LETHE_EVENT_SOURCE: 'lethe',
      EVENTS_DLQ_URL: ref(events.dlq),
    });
  });

  it('alarms on the DLQ and on a publisher more than five minutes behind', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map((a) => a.Properties);
    expect(alarms.some((a) => a.MetricName === 'IteratorAge' && a.Threshold === 300_000)).toBe(true);
    expect(
      alarms.some(
        (a) =>
          a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(a.Dimensions).includes(logicalIdOf(events.dlq)),
      ),
    ).toBe(true);
  });
});

describe('the sign-in follower', () => {
  it('may only get, disable, sign out and enable users, on the data map’s pool', () => {
    // Arrange
    const grants = grantsOf(statementsOfRole(resources, events.signIn?.role as Role));
    const poolArn = arnJson('cognito-idp', `userpool/${pool.userPoolId}`);

    // Assert
    expect(actionsOn(grants, poolArn)).toEqual([
      'cognito-idp:AdminDisableUser',
      'cognito-idp:AdminEnableUser',
      'cognito-idp:AdminGetUser',
      'cognito-idp:AdminUserGlobalSignOut',
    ]);
    expect(grants.filter((g) => g.action.startsWith('cognito-idp:')).length).toBe(4);
  });

  it('gets deactivations, restores and purges from the bus through a queue with a DLQ', () => {
    const rules = ofType('AWS::Events::Rule').map((r) => r.Properties);
    const signIn = rules.find((r) => JSON.stringify(r.Targets).includes(logicalIdOf(events.signInQueue!)));
    expect(signIn?.EventPattern).toEqual({
      source: ['lethe'],
      'detail-type': ['AccountDeactivated', 'AccountRestored', 'AccountPurgeStarted'],
    });
    expect(signIn?.EventBusName).toEqual(ref(events.bus));
  });

  it('lets the purge worker delete and the export worker read the user, nothing more', () => {
    const poolArn = arnJson('cognito-idp', `userpool/${pool.userPoolId}`);
    const purge = grantsOf(statementsOfRole(resources, stateless.enforcement.purgeWorker.role as Role));
    const exporter = grantsOf(statementsOfRole(resources, stateless.export.worker.role as Role));
    expect(actionsOn(purge, poolArn)).toEqual(['cognito-idp:AdminDeleteUser', 'cognito-idp:AdminGetUser']);
    expect(actionsOn(exporter, poolArn)).toEqual(['cognito-idp:AdminGetUser']);
  });
});

describe('a webhook and a bus of the host app', () => {
  // Arrange (shared): the construct with both options, in a stack of its own
  const app = new App(testAppProps());
  const stack = new Stack(app, 'Shop');
  const bus = new EventBus(stack, 'AppBus');
  const lethe = new Lethe(stack, 'Lethe', {
    productName: 'Shop',
    auth: { issuer: 'https://auth.shop.example/', audience: ['shop'] },
    notices: { sender: 'Shop <no-reply@shop.example>', supportUrl: 'https://shop.example/help' },
    dataMap: config.dataMap,
    events: {
      bus,
      source: 'shop.lethe',
      webhook: { url: 'https://shop.example/hooks/lethe', secret: SecretValue.unsafePlainText('s3cret') },
    },
  });
  const shop = resourcesOf(Template.fromStack(stack));
  const shopOf = (type: string) => Object.values(shop).filter((r) => r.Type === type);

  it('publishes to the given bus and creates none', () => {
    expect(shopOf('AWS::Events::EventBus')).toHaveLength(1);
    expect(lethe.events.bus).toBe(bus);
  });

  it('routes every Lethe event on it to the URL with an API destination, retried a day, then to a DLQ', () => {
    // Arrange
    const [destination] = shopOf('AWS::Events::ApiDestination');
    const [connection] = shopOf('AWS::Events::Connection');
    const rule = shopOf('AWS::Events::Rule').find((r) =>
      JSON.stringify(r.Properties.Targets).includes('WebhookDestination'),
    );

    // Assert
    expect(destination?.Properties).toMatchObject({
      InvocationEndpoint: 'https://shop.example/hooks/lethe',
      HttpMethod: 'POST',
    });
    expect(connection?.Properties).toMatchObject({
      AuthorizationType: 'API_KEY',
      AuthParameters: {
        ApiKeyAuthParameters: { ApiKeyName: 'x-lethe-webhook-secret', ApiKeyValue: 's3cret' },
      },
    });
    expect(rule?.Properties.EventPattern).toEqual({
      source: ['shop.lethe'],
      'detail-type': [...DETAIL_TYPES],
    });
    const [target] = rule!.Properties.Targets as {
      RetryPolicy: object;
      DeadLetterConfig: object;
      InputTransformer?: object;
    }[];
    expect(target?.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 });
    expect(target?.DeadLetterConfig).toBeDefined();
    // The whole envelope is the body: no transformer.
    expect(target?.InputTransformer).toBeUndefined();
  });
});
