/**
 * cdk-nag acknowledgements, in one form. CDK's validation report files them
 * under the plugin's namespace (`AwsSolutions::<rule>`) and lists each one,
 * with its reason, under `suppressedViolations`: the audit trail of every
 * finding Lethe accepts. The CDK tests hold that list to an exact set.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export const NAG_PACK = 'AwsSolutions';

/**
 * Acknowledges one AwsSolutions finding on `scope` and its children. Pass the
 * finding exactly (e.g. `AwsSolutions-IAM5[Resource::*]`): one finding, never
 * a whole rule.
 */
export const acknowledgeNag = (scope: IConstruct, finding: string, reason: string): void => {
  Validations.of(scope).acknowledge({ id: `${NAG_PACK}::${finding}`, reason });
};

type Cfn = string | { readonly [key: string]: unknown } | readonly unknown[] | undefined;

/**
 * A value as cdk-nag prints it in a finding: the resolved CloudFormation
 * flattened, `{Ref: X}` as `<X>`, `{Fn::GetAtt: [X, Arn]}` as `<X.Arn>`
 * (cdk-nag's flattenCfnReference). Lets a finding on a name CloudFormation
 * decides (a table or bucket the host app passed as a construct) be
 * acknowledged exactly, like one on a plain name.
 */
export const nagTextOf = (scope: IConstruct, value: string): string => {
  const visit = (node: Cfn): string => {
    if (node === undefined) return '';
    if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
    if (Array.isArray(node)) return JSON.stringify(node);
    const object = node as Record<string, unknown>;
    if (Array.isArray(object['Fn::Join'])) {
      const [delimiter, items] = object['Fn::Join'] as [string, Cfn[]];
      return items.map(visit).join(delimiter);
    }
    if (object['Fn::Sub'] !== undefined) return visit(object['Fn::Sub'] as Cfn);
    if (Array.isArray(object['Fn::GetAtt'])) {
      const [resource, attribute] = object['Fn::GetAtt'] as [Cfn, Cfn];
      return `<${visit(resource)}.${visit(attribute)}>`;
    }
    if (object['Fn::ImportValue'] !== undefined) return visit(object['Fn::ImportValue'] as Cfn);
    if (object.Ref !== undefined) return `<${visit(object.Ref as Cfn)}>`;
    return JSON.stringify(node);
  };
  return visit(Stack.of(scope).resolve(value) as Cfn);
};
