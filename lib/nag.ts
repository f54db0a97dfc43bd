/**
 * cdk-nag acknowledgements, in one form. CDK's validation report files them
 * under the plugin's namespace (`AwsSolutions::<rule>`) and lists each one,
 * with its reason, under `suppressedViolations`: the audit trail of every
 * finding Lethe accepts. The CDK tests hold that list to an exact set.
 */
import { Validations } from 'aws-cdk-lib';
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
