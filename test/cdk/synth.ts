/**
 * Synthesizes the app exactly as bin/lethe.ts builds it (createApp, cdk.json's
 * context, cdk-nag on), minus bundling and CloudFormation's own validator, so
 * a test file pays for one fast synth and shares it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AppProps, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { type CreateAppProps, createApp, type LetheApp } from '../../lib/app.ts';
import { PROJECT_ROOT } from '../../lib/lethe-function.ts';

export const cdkJsonContext = (): Record<string, unknown> =>
  (JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> })
    .context;

/** cdk.json's context (plus overrides), with bundling and the built-in CloudFormation validator off. */
export const testAppProps = (context: Record<string, unknown> = {}): AppProps => ({
  context: { ...cdkJsonContext(), ...context, 'aws:cdk:bundling-stacks': [] },
  builtinCloudFormationValidation: false,
});

export interface ValidationReport {
  readonly pluginReports: readonly {
    readonly pluginName: string;
    readonly violations: readonly unknown[];
    readonly suppressedViolations?: readonly {
      readonly ruleName: string;
      readonly reason: string;
      readonly acknowledgedAt: string;
      readonly violatingConstructs: readonly { readonly constructPath: string }[];
    }[];
  }[];
}

/** CDK writes the report only when a validation plugin ran. */
const reportOf = (assembly: CloudAssembly): ValidationReport => {
  const file = join(assembly.directory, 'validation-report.json');
  return existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as ValidationReport)
    : { pluginReports: [] };
};

export interface SynthesizedLethe extends LetheApp {
  readonly assembly: CloudAssembly;
  readonly statefulTemplate: Template;
  readonly statelessTemplate: Template;
  readonly report: ValidationReport;
}

export const synthLethe = (
  context: Record<string, unknown> = {},
  props: Omit<CreateAppProps, 'appProps'> = {},
): SynthesizedLethe => {
  const lethe = createApp({ ...props, appProps: testAppProps(context) });
  const assembly = lethe.app.synth();
  const template = (stackName: string) => Template.fromJSON(assembly.getStackByName(stackName).template);
  return {
    ...lethe,
    assembly,
    statefulTemplate: template(lethe.stateful.stackName),
    statelessTemplate: template(lethe.stateless.stackName),
    report: reportOf(assembly),
  };
};

export interface CfnResourceJson {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export interface StatementJson {
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Effect: string;
  readonly Condition?: unknown;
}

export const resourcesOf = (template: Template): Record<string, CfnResourceJson> =>
  (template.toJSON() as { Resources: Record<string, CfnResourceJson> }).Resources;

export const statementsOfPolicy = (policy: CfnResourceJson): StatementJson[] =>
  (policy.Properties.PolicyDocument as { Statement: StatementJson[] }).Statement;

export const actionsOf = (statement: StatementJson): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

export const resourceListOf = (statement: StatementJson): unknown[] =>
  Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];

/** The statements of the policy CDK attached to a role (its `DefaultPolicy`). */
export const statementsOfRole = (
  resources: Record<string, CfnResourceJson>,
  role: IConstruct,
): StatementJson[] => statementsOfPolicy(resources[logicalIdOf(role.node.findChild('DefaultPolicy'))]!);

/** One permission: an action on one resource (with its condition), however CDK merged the statements. */
export interface Grant {
  readonly action: string;
  readonly resource: unknown;
  readonly condition?: unknown;
}

export const grantsOf = (statements: readonly StatementJson[]): Grant[] =>
  statements.flatMap((statement) =>
    actionsOf(statement).flatMap((action) =>
      resourceListOf(statement).map((resource) => ({
        action,
        resource,
        ...(statement.Condition !== undefined && { condition: statement.Condition }),
      })),
    ),
  );

/** The actions granted on one resource, sorted. */
export const actionsOn = (grants: readonly Grant[], resource: unknown): string[] =>
  grants
    .filter((g) => JSON.stringify(g.resource) === JSON.stringify(resource))
    .map((g) => g.action)
    .sort();

/** How a same-stack ARN renders: `arn:${Partition}:<service>:${Region}:${AccountId}:<rest>`. */
export const arnJson = (service: string, rest: string, { regional = true } = {}) => ({
  'Fn::Join': [
    '',
    regional
      ? [
          'arn:',
          { Ref: 'AWS::Partition' },
          `:${service}:`,
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          `:${rest}`,
        ]
      : ['arn:', { Ref: 'AWS::Partition' }, `:${service}:::${rest}`],
  ],
});

/** How a value from the stateful stack renders in the stateless one (weak cross-stack references). */
export const statefulOutputOf = (value: unknown): { StackName: string; OutputName: string } | undefined =>
  (value as { 'Fn::GetStackOutput'?: { StackName: string; OutputName: string } })['Fn::GetStackOutput'];

/** The CloudFormation logical id of a construct's L1 resource. */
export const logicalIdOf = (construct: IConstruct): string => {
  const resource = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(resource);
};

/** Properties that set a resource's physical name, by CloudFormation's naming. */
const PHYSICAL_NAME =
  /^(TableName|BucketName|QueueName|TopicName|LogGroupName|Name|AlarmName|FunctionName|RoleName|ScheduleGroupName|ConfigurationSetName|SecretName|AliasName|LayerName)$/;

/** Names that live inside another resource (an API's authorizer, a stage) cannot clash across instances. */
const SCOPED_BY_PARENT = new Set(['AWS::ApiGatewayV2::Authorizer', 'AWS::ApiGatewayV2::Stage']);

/** A Ref or GetAtt points at another resource's name: only names written in the resource itself count. */
const isReference = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && ('Ref' in value || 'Fn::GetAtt' in value);

export interface PhysicalName {
  readonly id: string;
  readonly type: string;
  readonly key: string;
  /** The name as JSON (a string, or a Fn::Join with pseudo parameters). */
  readonly value: string;
}

/** Every physical name a template sets explicitly; everything else CloudFormation names from stack and logical id. */
export const explicitPhysicalNames = (resources: Record<string, CfnResourceJson>): PhysicalName[] =>
  Object.entries(resources)
    .filter(([, r]) => !SCOPED_BY_PARENT.has(r.Type))
    .flatMap(([id, r]) =>
      Object.entries(r.Properties ?? {})
        .filter(([key, value]) => PHYSICAL_NAME.test(key) && !isReference(value))
        .map(([key, value]) => ({ id, type: r.Type, key, value: JSON.stringify(value) })),
    );
