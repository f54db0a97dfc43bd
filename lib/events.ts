/**
 * Lifecycle events (docs/events.md): the outbox table's stream published to
 * an EventBridge bus by a small Lambda, with a DLQ and alarms; optionally the
 * bus routed to the host app's webhook with API destinations (no Lambda of
 * ours in that path); and, for a data map that names user pools, the
 * sign-in follower (rule → queue → Lambda) that makes Cognito follow the
 * account.
 */
import { Duration, type SecretValue } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import {
  ApiDestination,
  Authorization,
  Connection,
  EventBus,
  HttpMethod,
  type IEventBus,
  Rule,
} from 'aws-cdk-lib/aws-events';
import { ApiDestination as ApiDestinationTarget, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { LetheConfig } from '../functions/core/config-schema.ts';
import { cognitoStores } from '../functions/core/data-map.ts';
import { DEFAULT_EVENT_SOURCE, DETAIL_TYPES } from '../functions/core/events.ts';
import { outboxTable as outboxDefinition } from '../functions/core/resources.ts';
import type { LetheAlarms } from './alarms.ts';
import { cognitoStatements } from './data-map-grants.ts';
import { LetheFunction } from './lethe-function.ts';
import { acknowledgeNag } from './nag.ts';
import { scopedName } from './names.ts';
import { deadLetterQueue, queueWithDlq } from './queues.ts';

/** The env the publisher reads (functions/workers/outbox-publisher.ts). */
const EVENT_BUS_ENV = 'LETHE_EVENT_BUS';
const EVENT_SOURCE_ENV = 'LETHE_EVENT_SOURCE';
const EVENTS_DLQ_ENV = 'EVENTS_DLQ_URL';

/** The events the sign-in follower's rule matches (local/event-targets.ts matches the same). */
const SIGN_IN_DETAIL_TYPES = ['AccountDeactivated', 'AccountRestored', 'AccountPurgeStarted'];

export interface WebhookOptions {
  /** The host app's HTTPS endpoint; it gets the whole EventBridge envelope as the JSON body. */
  readonly url: string;
  /**
   * Sent as the `x-lethe-webhook-secret` header by the API destination's
   * connection (EventBridge keeps it in Secrets Manager). API destinations
   * cannot compute a per-request HMAC: in AWS the receiver compares this
   * header with its copy of the secret, over TLS (see docs/events.md).
   */
  readonly secret: SecretValue;
  /** @default 10 */
  readonly rateLimitPerSecond?: number;
}

/** What the construct's `events` prop sets. */
export interface LetheEventsOptions {
  /** The bus to publish to. @default a new bus */
  readonly bus?: IEventBus;
  /** The events' `source`. @default 'lethe' */
  readonly source?: string;
  readonly webhook?: WebhookOptions;
}

export interface LetheEventsProps extends LetheEventsOptions {
  /** The outbox table, with a NEW_IMAGE stream (functions/core/resources.ts). */
  readonly outboxTable: ITable;
  /** Read by the sign-in follower: the account's state now, whatever order events arrive in. */
  readonly accountsTable: ITable;
  readonly config: LetheConfig;
  readonly alarms: LetheAlarms;
}

export class LetheEvents extends Construct {
  readonly bus: IEventBus;
  readonly publisher: LetheFunction;
  /** Events EventBridge refused for good (whole), and stream batches that ran out of retries (pointers). */
  readonly dlq: Queue;
  readonly signIn?: LetheFunction;
  readonly signInQueue?: Queue;
  readonly webhookDlq?: Queue;

  constructor(scope: Construct, id: string, props: LetheEventsProps) {
    super(scope, id);
    const { config, alarms } = props;
    const source = props.source ?? DEFAULT_EVENT_SOURCE;
    this.bus =
      props.bus ??
      new EventBus(this, 'Bus', {
        eventBusName: scopedName(this, 'bus', { maxLength: 256 }),
        description: 'Lethe lifecycle events',
      });

    // 1. The publisher: outbox stream → PutEvents, refusals to the DLQ, published items deleted (I6).
    this.dlq = deadLetterQueue(this, {
      id: 'Dlq',
      alarmId: 'EventsDlqDepthAlarm',
      alarmDescription:
        'Lethe: EventBridge refused lifecycle events for good, or a stream batch ran out of retries; the ' +
        'events are in the events DLQ: fix the cause and send them again (docs/events.md).',
      alarms,
    }).queue;
    acknowledgeNag(
      this.dlq,
      'AwsSolutions-SQS3',
      "A dead-letter queue itself: the publisher's refused events and the stream mapping's on-failure " +
        'destination. Nothing consumes it; an alarm fires on its first message.',
    );
    this.publisher = new LetheFunction(this, 'Publisher', {
      entry: 'functions/workers/outbox-publisher.ts',
      description:
        'Lethe event publisher: the outbox stream to EventBridge, at least once, in order per account',
      timeout: Duration.seconds(60),
      logRetentionDays: config.logRetentionDays,
    });
    this.publisher.addEnvironment(EVENT_BUS_ENV, this.bus.eventBusName);
    this.publisher.addEnvironment(EVENT_SOURCE_ENV, source);
    this.publisher.addEnvironment(EVENTS_DLQ_ENV, this.dlq.queueUrl);
    this.publisher.addEnvironment(outboxDefinition.env, props.outboxTable.tableName);
    this.publisher.addToRolePolicy(
      new PolicyStatement({ actions: ['events:PutEvents'], resources: [this.bus.eventBusArn] }),
    );
    this.publisher.addToRolePolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.dlq.queueArn] }),
    );
    this.publisher.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:BatchWriteItem'], resources: [props.outboxTable.tableArn] }),
    );
    this.publisher.addEventSource(
      new DynamoEventSource(props.outboxTable, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(0),
        // Only new events: the publisher's own deletes and TTL's are stream records too.
        filters: [FilterCriteria.filter({ eventName: FilterRule.isEqual('INSERT') })],
        reportBatchItemFailures: true,
        // Order per shard (and so per account): one batch at a time, never split.
        parallelizationFactor: 1,
        bisectBatchOnError: false,
        // Retried until the records leave the stream (24 hours), then their pointers go to the DLQ.
        retryAttempts: -1,
        maxRecordAge: Duration.days(1),
        onFailure: new SqsDlq(this.dlq),
      }),
    );
    alarms.watch(
      new Alarm(this, 'EventsPublisherLagAlarm', {
        alarmDescription:
          'Lethe: the event publisher is more than 5 minutes behind the outbox stream (EventBridge refusing, ' +
          'or the publisher failing): events are late; after 24 hours they leave the stream.',
        metric: this.publisher.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) }),
        threshold: 5 * 60_000,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    // 2. The webhook: every Lethe event on the bus to the host app, by API destination.
    if (props.webhook) {
      const connection = new Connection(this, 'WebhookConnection', {
        description: 'Lethe webhook: the shared secret, sent as a header on every call',
        authorization: Authorization.apiKey('x-lethe-webhook-secret', props.webhook.secret),
      });
      const destination = new ApiDestination(this, 'WebhookDestination', {
        connection,
        endpoint: props.webhook.url,
        httpMethod: HttpMethod.POST,
        rateLimitPerSecond: props.webhook.rateLimitPerSecond ?? 10,
        description: 'Lethe lifecycle events to the host app',
      });
      this.webhookDlq = deadLetterQueue(this, {
        id: 'WebhookDlq',
        alarmId: 'WebhookDlqDepthAlarm',
        alarmDescription:
          'Lethe: the host app webhook refused or missed lifecycle events for 24 hours; they are in the webhook DLQ.',
        alarms,
      }).queue;
      acknowledgeNag(
        this.webhookDlq,
        'AwsSolutions-SQS3',
        'A dead-letter queue itself: events the webhook would not take for 24 hours. An alarm fires on its first message.',
      );
      new Rule(this, 'WebhookRule', {
        eventBus: this.bus,
        description: 'Every Lethe lifecycle event to the host app webhook',
        eventPattern: { source: [source], detailType: [...DETAIL_TYPES] },
        targets: [
          new ApiDestinationTarget(destination, {
            deadLetterQueue: this.webhookDlq,
            retryAttempts: 185,
            maxEventAge: Duration.hours(24),
          }),
        ],
      });
    }

    // 3. Sign-in follows the account, for each user pool in the data map.
    const pools = cognitoStores(config.dataMap);
    if (pools.length > 0) {
      const signIn = queueWithDlq(this, {
        id: 'SignInQueue',
        visibilityTimeout: Duration.seconds(180),
        maxReceiveCount: 10,
        dlq: {
          id: 'SignInDlq',
          alarmId: 'SignInDlqDepthAlarm',
          alarmDescription:
            'Lethe: a user pool did not follow an account after every retry (sign-in may still be allowed for a ' +
            'deactivated account); the event is in the sign-in DLQ.',
          alarms,
        },
      });
      const signInDlq = signIn.dlq;
      this.signInQueue = signIn.queue;
      new Rule(this, 'SignInRule', {
        eventBus: this.bus,
        description: 'Deactivations, restores and purges to the sign-in follower',
        eventPattern: { source: [source], detailType: SIGN_IN_DETAIL_TYPES },
        targets: [new SqsQueue(this.signInQueue, { deadLetterQueue: signInDlq })],
      });
      this.signIn = new LetheFunction(this, 'SignIn', {
        entry: 'functions/workers/sign-in-follower.ts',
        description: 'Lethe sign-in follower: user pools follow the account (disable, sign out, enable)',
        timeout: Duration.seconds(30),
        logRetentionDays: config.logRetentionDays,
      }).useAccountsTable(props.accountsTable, 'read');
      for (const pool of pools) {
        for (const statement of cognitoStatements(this, pool, 'follow'))
          this.signIn.addToRolePolicy(statement);
      }
      this.signIn.addEventSource(
        new SqsEventSource(this.signInQueue, { batchSize: 10, reportBatchItemFailures: true }),
      );
    }
  }
}
