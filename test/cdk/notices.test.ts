import type { Role } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { noticeQueue, visibilityTimeoutSeconds } from '../../functions/core/resources.ts';
import { config } from '../../lethe.config.ts';
import { senderDomain } from '../../lib/notices.ts';
import { grantsOf, logicalIdOf, resourcesOf, statementsOfRole, synthLethe } from './synth.ts';

const { stateless, statelessTemplate: template } = synthLethe();
const resources = resourcesOf(template);
const { notices, enforcement } = stateless;
const resourceOf = (construct: Parameters<typeof logicalIdOf>[0]) => resources[logicalIdOf(construct)]!;
const arnOf = (construct: Parameters<typeof logicalIdOf>[0]) => ({
  'Fn::GetAtt': [logicalIdOf(construct), 'Arn'],
});
const senderGrants = grantsOf(statementsOfRole(resources, notices.sender.role as Role));

describe('the notice queue', () => {
  it('has a DLQ after maxReceiveCount deliveries and a visibility timeout of six sender timeouts', () => {
    // Arrange / Act
    const queue = resourceOf(notices.queue).Properties;
    // Assert
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: arnOf(notices.dlq),
      maxReceiveCount: noticeQueue.maxReceiveCount,
    });
    expect(queue.VisibilityTimeout).toBe(visibilityTimeoutSeconds(noticeQueue));
    expect(queue.SqsManagedSseEnabled).toBe(true);
  });

  it('raises an alarm on the first message in its DLQ', () => {
    // Arrange / Act
    const alarm = resourceOf(notices.dlqAlarm).Properties;
    // Assert
    expect(alarm.Threshold).toBe(0);
    expect(alarm.ComparisonOperator).toBe('GreaterThanThreshold');
    expect(JSON.stringify(alarm.Dimensions)).toContain(logicalIdOf(notices.dlq));
  });

  it('is fed by the sweeper, which may send to it', () => {
    // Arrange
    const sweeperGrants = grantsOf(statementsOfRole(resources, enforcement.sweeper.role as Role));
    // Act
    const sends = sweeperGrants.filter(
      (g) =>
        g.action === 'sqs:SendMessage' && JSON.stringify(g.resource) === JSON.stringify(arnOf(notices.queue)),
    );
    // Assert
    expect(sends).toHaveLength(1);
  });
});

describe('the notice sender', () => {
  it('consumes the notice queue, reporting failures per message', () => {
    // Arrange / Act
    const mapping = Object.values(resources).find(
      (r) =>
        r.Type === 'AWS::Lambda::EventSourceMapping' &&
        JSON.stringify(r.Properties.FunctionName).includes(logicalIdOf(notices.sender)),
    );
    // Assert
    expect(mapping?.Properties).toMatchObject({
      EventSourceArn: arnOf(notices.queue),
      BatchSize: noticeQueue.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('may SendEmail only from the sender identity and with the configuration set', () => {
    // Arrange / Act
    const ses = senderGrants.filter((g) => g.action.startsWith('ses:'));
    // Assert
    expect(ses.map((g) => g.action)).toEqual(['ses:SendEmail', 'ses:SendEmail']);
    const text = JSON.stringify(ses.map((g) => g.resource));
    expect(text).toContain(`:identity/${senderDomain(config.notices.sender)}`);
    expect(text).toContain(`:configuration-set/${stateless.lethe.config.notices.configurationSet}`);
    expect(text).not.toContain('*');
  });

  it('is told the sender, the configuration set and where restore links point', () => {
    // Arrange / Act
    const variables = (
      resourceOf(notices.sender).Properties.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    // Assert
    expect(variables.LETHE_NOTICE_SENDER).toBe(config.notices.sender);
    expect(variables.LETHE_SES_CONFIGURATION_SET).toBeDefined();
    expect(variables.LETHE_PUBLIC_URL).toBeDefined();
  });

  it('creates the configuration set with bounces and complaints suppressed', () => {
    // Arrange / Act
    const set = resourceOf(notices.configurationSet).Properties;
    // Assert
    expect(set.Name).toBe(stateless.lethe.config.notices.configurationSet);
    expect(set.Name).toBe('LetheStateless-Lethe-notices');
    expect(set.SuppressionOptions).toEqual({ SuppressedReasons: ['BOUNCE', 'COMPLAINT'] });
  });

  it('reads a sender domain from either address form', () => {
    expect(senderDomain('Lethe <no-reply@example.com>')).toBe('example.com');
    expect(senderDomain('no-reply@mail.example.org')).toBe('mail.example.org');
    expect(() => senderDomain('nobody')).toThrow(/not an email address/);
  });
});

describe('bounces and complaints', () => {
  const feedbackGrants = grantsOf(statementsOfRole(resources, notices.feedback.role as Role));

  it("publishes the configuration set's delivery, bounce and complaint events to EventBridge's default bus", () => {
    // Arrange / Act
    const destinations = Object.values(resources).filter(
      (r) => r.Type === 'AWS::SES::ConfigurationSetEventDestination',
    );
    // Assert
    expect(destinations).toHaveLength(1);
    const { ConfigurationSetName, EventDestination } = destinations[0]!.Properties as {
      ConfigurationSetName: unknown;
      EventDestination: { Enabled: boolean; MatchingEventTypes: string[]; EventBridgeDestination: unknown };
    };
    expect(ConfigurationSetName).toEqual({ Ref: logicalIdOf(notices.configurationSet) });
    expect(EventDestination.Enabled).toBe(true);
    expect([...EventDestination.MatchingEventTypes].sort()).toEqual(['bounce', 'complaint', 'delivery']);
    expect(JSON.stringify(EventDestination.EventBridgeDestination)).toContain(':event-bus/default');
  });

  it("routes only this configuration set's events to the feedback queue, with a DLQ", () => {
    // Arrange / Act
    const rules = Object.values(resources).filter(
      (r) =>
        r.Type === 'AWS::Events::Rule' &&
        JSON.stringify(r.Properties.Targets).includes(logicalIdOf(notices.feedbackQueue)),
    );
    // Assert
    expect(rules).toHaveLength(1);
    const { EventPattern, EventBusName, Targets } = rules[0]!.Properties as {
      EventPattern: Record<string, unknown>;
      EventBusName?: unknown;
      Targets: { DeadLetterConfig?: { Arn: unknown } }[];
    };
    expect(EventBusName).toBeUndefined();
    expect(EventPattern).toEqual({
      source: ['aws.ses'],
      'detail-type': ['Email Delivered', 'Email Bounced', 'Email Complaint Received'],
      detail: {
        mail: { tags: { 'ses:configuration-set': [{ Ref: logicalIdOf(notices.configurationSet) }] } },
      },
    });
    expect(Targets[0]?.DeadLetterConfig).toEqual({ Arn: arnOf(notices.feedbackDlq) });
  });

  it('has the feedback function consume the queue and only read and update the Accounts table', () => {
    // Arrange / Act
    const mapping = Object.values(resources).find(
      (r) =>
        r.Type === 'AWS::Lambda::EventSourceMapping' &&
        JSON.stringify(r.Properties.FunctionName).includes(logicalIdOf(notices.feedback)),
    );
    const dynamo = feedbackGrants.filter((g) => g.action.startsWith('dynamodb:'));
    // Assert
    expect(mapping?.Properties).toMatchObject({
      EventSourceArn: arnOf(notices.feedbackQueue),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(dynamo.map((g) => g.action).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(JSON.stringify(dynamo.map((g) => g.resource))).not.toContain('*');
    expect(feedbackGrants.some((g) => g.action.startsWith('ses:'))).toBe(false);
    expect(feedbackGrants.some((g) => g.action.startsWith('secretsmanager:'))).toBe(false);
  });

  it("the feedback queue's DLQ raises an alarm whose description is its runbook", () => {
    // Arrange / Act
    const alarm = Object.values(resources).find(
      (r) =>
        r.Type === 'AWS::CloudWatch::Alarm' &&
        JSON.stringify(r.Properties.Dimensions).includes(logicalIdOf(notices.feedbackDlq)),
    );
    // Assert
    expect(alarm?.Properties.Threshold).toBe(0);
    expect(String(alarm?.Properties.AlarmDescription)).toMatch(/feedback DLQ.*redrive/s);
  });
});
