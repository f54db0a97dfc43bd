import { Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { retentionLogGroups, retentionTasks } from '../../functions/core/retention.ts';
import { fallbackRoute, routes } from '../../functions/http/routes.ts';
import { config } from '../../lethe.config.ts';
import { createApp } from '../../lib/app.ts';
import { s3WildcardFindings } from '../../lib/data-map-grants.ts';
import { NAG_PACK } from '../../lib/nag.ts';
import { logicalIdOf, synthLethe, testAppProps } from './synth.ts';

// Arrange (shared): the app as bin/lethe.ts builds it, nag included, synthesized once.
const { app, stateful, stateless, report } = synthLethe();
const nagReport = report.pluginReports.find((r) => r.pluginName === NAG_PACK);
const suppressed = nagReport?.suppressedViolations ?? [];

const policyPathOf = (role: IConstruct) => `${role.node.findChild('DefaultPolicy').node.path}/Resource`;
const resourcePathOf = (construct: IConstruct) => `${construct.node.path}/Resource`;

/** Every finding Lethe accepts, and where: anything new must be added here, with its reason in lib/. */
const expectedFindings = (): string[] => {
  const { functions, routes: httpRoutes } = stateless.api;
  const { sweeper, purgeWorker, sweepDlq, scheduleRole } = stateless.enforcement;
  const exportWorker = stateless.export.worker;
  const retention = stateless.retention!;
  const archives = `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${stateful.exportsBucket.findingName}/exports/*/*]`;
  const openRoutes = [...routes.filter((r) => r.auth === 'none').map((r) => r.id), fallbackRoute.id];
  return [
    // X-Ray's write actions, on every function.
    ...[
      ...functions.values(),
      sweeper,
      purgeWorker,
      stateless.notices.sender,
      stateless.notices.feedback,
      exportWorker,
      stateless.events.publisher,
      ...(stateless.events.signIn ? [stateless.events.signIn] : []),
      retention.sweeper,
    ].map((fn) => `AwsSolutions-IAM5[Resource::*] @ ${policyPathOf(fn.role as Role)}`),
    ...openRoutes.map((id) => `AwsSolutions-APIG4 @ ${resourcePathOf(httpRoutes.get(id)!)}`),
    `AwsSolutions-SMG4 @ ${resourcePathOf(stateful.subjectKey)}`,
    // The data map's S3 prefixes, one per store, on the purge worker only.
    ...s3WildcardFindings(purgeWorker, config.dataMap).map(
      ({ finding }) => `${finding} @ ${policyPathOf(purgeWorker.role as Role)}`,
    ),
    // ... and on the export worker, which reads them.
    ...s3WildcardFindings(purgeWorker, config.dataMap).map(
      ({ finding }) => `${finding} @ ${policyPathOf(exportWorker.role as Role)}`,
    ),
    // The export archives' prefix: written by the worker, linked by get-export, deleted by the purge.
    ...[exportWorker, functions.get('get-export')!, purgeWorker].map(
      (fn) => `${archives} @ ${policyPathOf(fn.role as Role)}`,
    ),
    `AwsSolutions-S1 @ ${resourcePathOf(stateful.exportsBucketResource)}`,
    `AwsSolutions-SQS3 @ ${resourcePathOf(sweepDlq)}`,
    // A dead-letter queue of its own: the events DLQ (the stream mapping's on-failure destination).
    `AwsSolutions-SQS3 @ ${resourcePathOf(stateless.events.dlq)}`,

    `AwsSolutions-IAM5[Resource::<${logicalIdOf(sweeper)}.Arn>:*] @ ${policyPathOf(scheduleRole)}`,
    // Retention (lib/retention.ts): the S3 prefixes its rules name, and its schedule's invoke.
    ...s3WildcardFindings(retention.sweeper, {
      ...config.dataMap,
      stores: retentionTasks(config.dataMap).flatMap((t) => (t.store.kind === 's3-prefix' ? [t.store] : [])),
    }).map(({ finding }) => `${finding} @ ${policyPathOf(retention.sweeper.role as Role)}`),
    `AwsSolutions-IAM5[Resource::<${logicalIdOf(retention.sweeper)}.Arn>:*] @ ${policyPathOf(retention.scheduleRole)}`,
    // ...and the log groups its rules name: DescribeLogGroups on the account's groups, PutRetentionPolicy on each.
    ...['*', ...retentionLogGroups(config.dataMap).map((g) => `${g.group}:*`)].map(
      (group) =>
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:${group}] @ ${policyPathOf(retention.sweeper.role as Role)}`,
    ),
  ].sort();
};

describe('cdk-nag AwsSolutions', () => {
  it('ran on the app and found nothing unacknowledged', () => {
    expect(nagReport).toBeDefined();
    for (const plugin of report.pluginReports) {
      expect(plugin.violations, plugin.pluginName).toEqual([]);
    }
  });

  it('accepts exactly the expected findings, each on the construct it names', () => {
    const actual = suppressed
      .flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} @ ${c.constructPath}`))
      .sort();
    expect(actual).toEqual(expectedFindings());
  });

  it('gives every accepted finding a specific reason', () => {
    for (const violation of suppressed) {
      expect(violation.reason.length, violation.ruleName).toBeGreaterThanOrEqual(60);
      expect(violation.reason).not.toMatch(/\b(todo|tbd|n\/a|fixme)\b/i);
    }
  });

  it('acknowledges IAM wildcards one finding at a time, never the whole rule', () => {
    const acknowledged = app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.keys(m.data as Record<string, string>));
    const iam = acknowledged.filter((id) => /IAM\d/.test(id));
    expect(iam.length).toBeGreaterThan(0);
    for (const id of iam) expect(id).toMatch(/^AwsSolutions::AwsSolutions-IAM5\[Resource::[^\]]+\]$/);
  });

  it('fails synth on an error-level finding nobody acknowledged', () => {
    // Arrange: the real app plus a role with a wildcard grant.
    const { app: probeApp } = createApp({ appProps: testAppProps() });
    const probe = new Stack(probeApp, 'NagProbe');
    new Role(probe, 'Wildcard', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') }).addToPolicy(
      new PolicyStatement({ actions: ['dynamodb:*'], resources: ['*'] }),
    );
    // Act / Assert
    expect(() => probeApp.synth()).toThrow(/AwsSolutions-IAM5/);
  });
});
