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
