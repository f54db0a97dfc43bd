/**
 * The Lethe construct as a host app uses it: its own table and bucket passed
 * as CDK references, two instances (staging, prod) in one stack, cdk-nag on.
 * Names must not clash, grants must stay with their own instance, and bad
 * props must fail synth in one line.
 */

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Role } from 'aws-cdk-lib/aws-iam';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { Lethe, type LetheProps } from '../../lib/lethe.ts';
import { LetheFunction } from '../../lib/lethe-function.ts';
import { NAG_PACK } from '../../lib/nag.ts';
import { scopeParts } from '../../lib/names.ts';
import type { ValidationReport } from './synth.ts';
import {
  type CfnResourceJson,
  explicitPhysicalNames,
  grantsOf,
  logicalIdOf,
  resourcesOf,
  statementsOfRole,
  synthLethe,
  testAppProps,
} from './synth.ts';

const STAGES = ['Staging', 'Prod'] as const;

/** Props of one instance: the host app's own table and bucket, by reference. */
const propsFor = (stack: Stack, stage: string): LetheProps => {
  const profiles = new Table(stack, `${stage}Profiles`, {
    partitionKey: { name: 'accountId', type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  });
  const logs = new Bucket(stack, `${stage}AccessLogs`, { enforceSSL: true });
  const uploads = new Bucket(stack, `${stage}Uploads`, { enforceSSL: true, serverAccessLogsBucket: logs });
  return {
    productName: 'Shop',
    auth: { issuer: 'https://auth.shop.example/', audience: [`shop-${stage.toLowerCase()}`] },
    notices: { sender: 'Shop <no-reply@shop.example>', supportUrl: 'https://shop.example/help' },
    dataMap: {
      profile: { store: 'profiles', attributes: { email: 'email' } },
      stores: [
        {
          kind: 'dynamodb-partition',
          name: 'profiles',
          table: profiles,
          key: { partitionKey: 'accountId' },
          keyTemplate: '{accountId}',
        },
        { kind: 's3-prefix', name: 'uploads', bucket: uploads, prefix: 'uploads/{accountId}/' },
      ],
    },
    alarms: { emails: [`ops-${stage.toLowerCase()}@shop.example`] },
  };
};

const reportOf = (directory: string): ValidationReport => {
  const file = join(directory, 'validation-report.json');
  return existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as ValidationReport)
    : { pluginReports: [] };
};

// Arrange (shared): two instances in one stack, each with its own table and bucket, nag on.
// Asset metadata on: the test reads the config layer's file where CloudFormation would get it.
const app = new App(testAppProps({ 'aws:cdk:enable-asset-metadata': true }));
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
const stack = new Stack(app, 'Shop');
const instances = STAGES.map((stage) => ({ stage, props: propsFor(stack, stage) })).map(
  ({ stage, props }) => ({
    stage,
    props,
    lethe: new Lethe(stack, `${stage}Lethe`, props),
  }),
);
const assembly = app.synth();
const template = Template.fromJSON(assembly.getStackByName('Shop').template);
const resources = resourcesOf(template);

describe('two Lethe instances in one stack', () => {
  it('synthesizes with cdk-nag AwsSolutions clean', () => {
    const report = reportOf(assembly.directory);
    expect(report.pluginReports.find((r) => r.pluginName === NAG_PACK)).toBeDefined();
    for (const plugin of report.pluginReports) expect(plugin.violations, plugin.pluginName).toEqual([]);
  });

  it('gives every explicitly named resource a name derived from its own instance', () => {
    const names = explicitPhysicalNames(resources);
    expect(names.length).toBeGreaterThan(0);
    for (const { stage } of instances) {
      const own = names.filter(({ id }) => id.startsWith(`${stage}Lethe`));
      for (const name of own) {
        expect(name.value.toLowerCase(), `${name.id}.${name.key}`).toContain(
          `shop-${stage}lethe-`.toLowerCase(),
        );
      }
    }
    const values = names.map((n) => n.value);
    expect(new Set(values).size).toBe(values.length);
  });

  it("grants each instance's functions only its own table and bucket", () => {
    for (const { stage, lethe } of instances) {
      const other = instances.find((i) => i.stage !== stage)!;
      const otherIds = [
        ...other.lethe.node.findAll().map((c) => logicalIdOf(c)),
        logicalIdOf(stack.node.findChild(`${other.stage}Profiles`)),
        logicalIdOf(stack.node.findChild(`${other.stage}Uploads`)),
      ];
      const ownIds = [
        logicalIdOf(stack.node.findChild(`${stage}Profiles`)),
        logicalIdOf(stack.node.findChild(`${stage}Uploads`)),
      ];
      const { purgeWorker } = lethe.enforcement;
      const purgeText = JSON.stringify(grantsOf(statementsOfRole(resources, purgeWorker.role as Role)));
      for (const id of ownIds) expect(purgeText).toContain(`"${id}`);
      for (const fn of lethe.node.findAll().filter((c) => c.node.id === 'DefaultPolicy')) {
        const text = JSON.stringify(resources[logicalIdOf(fn)]?.Properties);
        for (const id of otherIds) expect(text, `${fn.node.path} names ${id}`).not.toContain(`"${id}"`);
      }
    }
  });

  it('subscribes each instance its own alarm address', () => {
    const subscriptions = Object.values(resources).filter((r) => r.Type === 'AWS::SNS::Subscription');
    expect(subscriptions.map((s) => s.Properties.Endpoint).sort()).toEqual([
      'ops-prod@shop.example',
      'ops-staging@shop.example',
    ]);
  });
});

describe('Lethe props', () => {
  const synthWith = (change: (props: LetheProps, stack: Stack) => LetheProps) => {
    const probeApp = new App(testAppProps());
    const probe = new Stack(probeApp, 'Probe');
    const lethe = new Lethe(probe, 'Lethe', change(propsFor(probe, 'Probe'), probe));
    return { probeApp, probe, lethe };
  };

  it.each([
    [
      'a non-https issuer',
      (p: LetheProps) => ({ ...p, auth: { issuer: 'http://idp', audience: ['a'] } }),
      'Lethe: auth',
    ],
    [
      'a bad sender',
      (p: LetheProps) => ({ ...p, notices: { ...p.notices, sender: 'nobody' } }),
      'Lethe: notices.sender: must be an email address',
    ],
    [
      'a grace period in months',
      (p: LetheProps) => ({ ...p, gracePeriod: 'P1M' }),
      'Lethe: gracePeriod: must be an ISO-8601 duration',
    ],
    [
      'a log retention CloudWatch refuses',
      (p: LetheProps) => ({ ...p, logRetentionDays: 10 }),
      'Lethe: logRetentionDays: must be one of',
    ],
    [
      'a prefix without the account id',
      (p: LetheProps) => ({
        ...p,
        dataMap: {
          ...p.dataMap,
          stores: p.dataMap.stores.map((s) => (s.kind === 's3-prefix' ? { ...s, prefix: 'uploads/' } : s)),
        },
      }),
      'Lethe: data map: store "uploads" prefix must contain {accountId}',
    ],
    [
      'an alarm address that is not one',
      (p: LetheProps) => ({ ...p, alarms: { emails: ['ops'] } }),
      'Lethe: alarms.emails.0: must be an email address',
    ],
  ])('refuses %s at synth with one line naming the prop', (_name, change, message) => {
    // Arrange
    const { probeApp, lethe } = synthWith(change);
    // Act / Assert
    expect(() => probeApp.synth()).toThrow(message);
    const errors = lethe.node.metadata.filter((m) => m.type === 'aws:cdk:error').map((m) => String(m.data));
    expect(errors).toEqual([expect.stringContaining(message)]);
    expect(errors[0]).not.toContain('\n');
  });

  it('takes a Cognito user pool: its issuer URL and its clients as the audience', () => {
    // Arrange / Act
    const { probe } = synthWith((p, s) => {
      const pool = new UserPool(s, 'Users');
      return { ...p, auth: { userPool: pool, clients: [pool.addClient('Web')] } };
    });
    // Assert
    const authorizer = Template.fromStack(probe).findResources('AWS::ApiGatewayV2::Authorizer');
    const config = JSON.stringify(Object.values(authorizer)[0]!.Properties);
    expect(config).toContain('https://cognito-idp.');
    expect(config).toContain(logicalIdOf(probe.node.findChild('Users')));
  });

  it('notifies an existing topic instead of creating one', () => {
    // Arrange / Act
    const { probe, lethe } = synthWith((p, s) => ({ ...p, alarms: { topic: new Topic(s, 'Ops') } }));
    // Assert
    const topics = Template.fromStack(probe).findResources('AWS::SNS::Topic');
    expect(Object.keys(topics)).toEqual([logicalIdOf(probe.node.findChild('Ops'))]);
    expect(lethe.alarms.key).toBeUndefined();
  });

  it('fills every default into the configuration the functions read', () => {
    const { lethe } = synthWith((p) => p);
    expect(lethe.config).toMatchObject({
      gracePeriod: 'P30D',
      noticeSchedule: ['P7D', 'P1D'],
      sweepInterval: 'PT15M',
      purgeConcurrency: 5,
      auditRetention: 'P1095D',
      logRetentionDays: 30,
      exports: { perDay: 3, linkExpiry: 'PT24H' },
      notices: { backupRetention: 'P35D', configurationSet: 'Probe-Lethe-notices' },
    });
  });
});

describe('the example app (bin/lethe.ts)', () => {
  // Arrange (shared): the app as it deploys.
  const example = synthLethe();

  it.each([
    ['stateful', example.statefulTemplate, example.stateful.state],
    ['stateless', example.statelessTemplate, example.stateless.lethe],
  ] as const)(
    'names nothing in the %s stack that does not derive from its construct’s scope',
    (_n, tpl, construct) => {
      // Arrange
      const scope = scopeParts(construct).join('-').toLowerCase();
      // Act
      const names = explicitPhysicalNames(resourcesOf(tpl));
      // Assert
      expect(names.length).toBeGreaterThan(0);
      for (const name of names)
        expect(name.value.toLowerCase(), `${name.id}.${name.key}`).toContain(`${scope}-`);
    },
  );
});

/** The config file a Lambda layer resource ships, read from the cloud assembly as it deploys. */
const layerConfigOf = (directory: string, layer: CfnResourceJson & { Metadata?: Record<string, string> }) =>
  JSON.parse(
    readFileSync(join(directory, layer.Metadata!['aws:asset:path']!, 'lethe', 'config.json'), 'utf8'),
  );

describe('configuration at deploy time', () => {
  it('ships each instance its own data map in its config layer, with CloudFormation-decided names by env', () => {
    for (const { stage, lethe } of instances) {
      // Arrange
      const layer = resources[logicalIdOf(lethe.runtimeConfig.layer)]!;
      const table = logicalIdOf(stack.node.findChild(`${stage}Profiles`));
      const bucket = logicalIdOf(stack.node.findChild(`${stage}Uploads`));
      // Act
      const file = layerConfigOf(assembly.directory, layer);
      const variables = (
        resources[logicalIdOf(lethe.enforcement.purgeWorker)]!.Properties.Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
      // Assert: the file refers to env, the env carries this instance's own names.
      const [profiles, uploads] = file.dataMap.stores;
      expect(profiles.table).toEqual({ $env: expect.stringMatching(/^LETHE_CONFIG_REF_\d+$/) });
      expect(uploads.bucket).toEqual({ $env: expect.stringMatching(/^LETHE_CONFIG_REF_\d+$/) });
      expect(variables[profiles.table.$env]).toEqual({ Ref: table });
      expect(variables[uploads.bucket.$env]).toEqual({ Ref: bucket });
      expect(file.notices.configurationSet).toBe(`Shop-${stage}Lethe-notices`);
    }
  });

  it('gives every function of an instance its config layer', () => {
    for (const { lethe } of instances) {
      const layer = { Ref: logicalIdOf(lethe.runtimeConfig.layer) };
      const functions = lethe.node.findAll().filter((c) => c instanceof LetheFunction);
      expect(functions.length).toBeGreaterThan(10);
      for (const fn of functions) expect(resources[logicalIdOf(fn)]!.Properties.Layers).toContainEqual(layer);
    }
  });
});
