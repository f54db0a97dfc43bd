/**
 * The example app's stateless stack: the Lethe construct, given the state
 * from the stateful stack, and the outputs the operator CLI reads. A team
 * using the construct adds `new Lethe(...)` to a stack of its own.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { STACK_OUTPUTS } from '../functions/core/resources.ts';
import { Lethe, type LetheProps } from './lethe.ts';

/** Outputs beyond the operator CLI's (STACK_OUTPUTS): for people and monitoring, not for code. */
export const EXTRA_OUTPUTS = {
  alarmTopic: 'AlarmTopicArn',
  sweepDlqUrl: 'SweepDlqUrl',
} as const;

export interface LetheStatelessStackProps extends StackProps {
  readonly lethe: LetheProps;
}

export class LetheStatelessStack extends Stack {
  readonly lethe: Lethe;

  constructor(scope: Construct, id: string, props: LetheStatelessStackProps) {
    const { lethe, ...stackProps } = props;
    super(scope, id, {
      description:
        'Lethe stateless resources: the HTTP API, the sweeper, purge, export and notice workers, alarms',
      ...stackProps,
    });
    this.lethe = new Lethe(this, 'Lethe', lethe);
    if (this.lethe.api === undefined) return; // invalid props: reported as a synth error

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
    new CfnOutput(this, STACK_OUTPUTS.noticeQueueUrl, {
      value: this.notices.queue.queueUrl,
      description: 'Notices to send, one per notice record (a sweep enqueues the due ones)',
    });
    new CfnOutput(this, STACK_OUTPUTS.noticeDlqUrl, {
      value: this.notices.dlq.queueUrl,
      description: 'Notices that failed every retry: inspect, fix, redrive',
    });
    new CfnOutput(this, STACK_OUTPUTS.exportQueueUrl, {
      value: this.export.exportQueue.queueUrl,
      description: 'Export jobs, one per export',
    });
    new CfnOutput(this, STACK_OUTPUTS.exportDlqUrl, {
      value: this.export.exportDlq.queueUrl,
      description: 'Export jobs that failed every retry: inspect, fix, redrive',
    });
    new CfnOutput(this, EXTRA_OUTPUTS.alarmTopic, {
      value: this.alarms.topic.topicArn,
      description: "Lethe's alarms notify this SNS topic: subscribe the platform team to it",
    });
  }

  get api() {
    return this.lethe.api;
  }
  get enforcement() {
    return this.lethe.enforcement;
  }
  get export() {
    return this.lethe.export;
  }
  get notices() {
    return this.lethe.notices;
  }
  get alarms() {
    return this.lethe.alarms;
  }
  get events() {
    return this.lethe.events;
  }
  get retention() {
    return this.lethe.retention;
  }
}
