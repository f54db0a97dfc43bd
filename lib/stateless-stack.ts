/**
 * Lethe's stateless resources: the HTTP API, enforcement and their
 * functions. Tables and the subject key come in as typed props from the
 * stateful stack, so this stack can be destroyed and redeployed freely.
 */
import { CfnOutput, type Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { STACK_OUTPUTS } from '../functions/core/resources.ts';
import type { LetheConfig } from '../lethe.config.ts';
import { LetheAlarms } from './alarms.ts';
import { type JwtSettings, LetheApi, type ThrottleSettings } from './api.ts';
import { LetheEnforcement } from './enforcement.ts';
import { LetheEvents, type WebhookOptions } from './events.ts';
import { LetheExport } from './export.ts';
import { LetheNotices } from './notices.ts';
import type { LetheState } from './stateful-stack.ts';

/** Outputs beyond the operator CLI's (STACK_OUTPUTS): for people and monitoring, not for code. */
export const EXTRA_OUTPUTS = {
  alarmTopic: 'AlarmTopicArn',
  sweepDlqUrl: 'SweepDlqUrl',
  noticeDlqUrl: 'NoticeDlqUrl',
} as const;

export interface LetheStatelessStackProps extends StackProps, LetheState {
  readonly config: LetheConfig;
  readonly jwt: JwtSettings;
  readonly throttle?: ThrottleSettings;
  readonly corsAllowOrigins?: readonly string[];
  /** @default LetheEnforcement's: one hour */
  readonly purgeBacklogAlarmAge?: Duration;
  /** Lifecycle events: the bus (default: a new one), their `source` (default `lethe`), a webhook. */
  readonly events?: { readonly bus?: IEventBus; readonly source?: string; readonly webhook?: WebhookOptions };
}

export class LetheStatelessStack extends Stack {
  readonly api: LetheApi;
  readonly enforcement: LetheEnforcement;
  readonly export: LetheExport;
  readonly notices: LetheNotices;
  readonly alarms: LetheAlarms;
  readonly events: LetheEvents;

  constructor(scope: Construct, id: string, props: LetheStatelessStackProps) {
    const {
      accountsTable,
      auditTable,
      subjectKey,
      exportsTable,
      exportsBucket,
      config,
      jwt,
      throttle,
      corsAllowOrigins,
      purgeBacklogAlarmAge,
      outboxTable,
      events,
      ...stackProps
    } = props;
    super(scope, id, {
      description:
        'Lethe stateless resources: the HTTP API, the sweeper, purge, export and notice workers, alarms',
      ...stackProps,
    });
    this.alarms = new LetheAlarms(this, 'Alarms');
    this.export = new LetheExport(this, 'Export', {
      accountsTable,
      exportsTable,
      exportsBucket,
      config,
      alarms: this.alarms,
    });
    this.api = new LetheApi(this, 'Api', {
      accountsTable,
      auditTable,
      subjectKey,
      exportsTable,
      exportsBucket,
      outboxTable,
      exportQueue: this.export.exportQueue,
      config,
      jwt,
      ...(throttle !== undefined && { throttle }),
      ...(corsAllowOrigins !== undefined && { corsAllowOrigins }),
    });
    this.notices = new LetheNotices(this, 'Notices', {
      accountsTable,
      auditTable,
      subjectKey,
      config,
      alarms: this.alarms,
      // Restore links point at this API, unless the config names a public URL in front of it.
      publicUrl: config.notices.publicUrl ?? this.api.url,
    });
    this.enforcement = new LetheEnforcement(this, 'Enforcement', {
      accountsTable,
      auditTable,
      subjectKey,
      exportsTable,
      exportsBucket,
      config,
      alarms: this.alarms,
      noticeQueue: this.notices.queue,
      ...(purgeBacklogAlarmAge !== undefined && { purgeBacklogAlarmAge }),
    });

    this.events = new LetheEvents(this, 'Events', {
      outboxTable,
      accountsTable,
      config,
      alarms: this.alarms,
      ...events,
    });
    // Every worker that changes an account writes its lifecycle event to the outbox, in the same transaction
    // (the API's functions are wired by LetheApi, per route).
    for (const fn of [
      this.enforcement.purgeWorker,
      this.enforcement.sweeper,
      this.export.worker,
      this.notices.sender,
    ]) {
      fn.useOutbox(outboxTable);
    }

    new CfnOutput(this, STACK_OUTPUTS.apiUrl, {
      value: this.api.url,
      description: 'Base URL of the Lethe HTTP API',
    });
    new CfnOutput(this, STACK_OUTPUTS.purgeQueueUrl, {
      value: this.enforcement.purgeQueue.queueUrl,
      description: 'Purge jobs, one per account (or its next part)',
    });
    new CfnOutput(this, STACK_OUTPUTS.purgeDlqUrl, {
      value: this.enforcement.purgeDlq.queueUrl,
      description: 'Purge jobs that failed every retry: inspect, fix, redrive',
    });
    new CfnOutput(this, EXTRA_OUTPUTS.sweepDlqUrl, {
      value: this.enforcement.sweepDlq.queueUrl,
      description: 'Sweeps that could not be delivered or failed every retry',
    });
    new CfnOutput(this, EXTRA_OUTPUTS.noticeDlqUrl, {
      value: this.notices.dlq.queueUrl,
      description: 'Notices that failed every retry: inspect, fix, redrive',
    });
    new CfnOutput(this, EXTRA_OUTPUTS.alarmTopic, {
      value: this.alarms.topic.topicArn,
      description: "Lethe's alarms notify this SNS topic: subscribe the platform team to it",
    });
  }
}
