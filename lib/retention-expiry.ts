/**
 * What AWS expires by itself (P9), set on the host app's resources where it
 * defines them in the same CDK app (a `Table`/`TableV2`, a `Bucket`, a
 * `LogGroup` passed as a construct, not imported by name):
 *
 * - DynamoDB TTL on `letheExpiresAt`, for a `ttl` rule (the L1 table's
 *   timeToLiveSpecification: a table has one TTL attribute, so one that
 *   already has another fails synth);
 * - an S3 lifecycle expiration rule on the store's prefix, for a `ttl` rule;
 * - a log group's retention, for every rule naming it (never longer than the
 *   window; a shorter one is kept).
 *
 * Where the resource is only named, Lethe cannot change its definition:
 * `lethe verify` checks TTL and lifecycle rules, and the retention sweeper
 * sets log group retention on each run. TTL and lifecycle rules ignore legal
 * holds, which is why they wait for `ttl: true` (docs/retention.md).
 */
import { CfnResource, Duration } from 'aws-cdk-lib';
import { CfnGlobalTable, CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket, LifecycleRule } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import type { DataMap } from '../functions/core/data-map.ts';
import {
  lifecycleExpiryOf,
  logRetentionToSet,
  RETENTION_EXPIRY_ATTRIBUTE,
  retentionTasks,
} from '../functions/core/retention.ts';
import type { LetheDataMap } from './lethe.ts';

/** The CloudFormation resource a construct defines in this app; undefined for one imported by name or ARN. */
const definedResource = (construct: IConstruct, ...types: string[]): CfnResource | undefined => {
  const child = construct.node.defaultChild;
  return child !== undefined && CfnResource.isCfnResource(child) && types.includes(child.cfnResourceType)
    ? child
    : undefined;
};

type TtlSpec = { attributeName?: string; enabled?: boolean | unknown } | undefined;

/** Turns TTL on `letheExpiresAt`; answers the problem, if the table already expires on another attribute. */
const turnOnTtl = (table: CfnTable | CfnGlobalTable, category: string, path: string): string | undefined => {
  const current = table.timeToLiveSpecification as TtlSpec;
  if (current?.attributeName !== undefined && current.attributeName !== RETENTION_EXPIRY_ATTRIBUTE) {
    return (
      `retention category "${category}" sets ttl, but table ${path} already has TTL on "${current.attributeName}" ` +
      `and a table has one TTL attribute: drop ttl from the rule, or move the table's TTL to ${RETENTION_EXPIRY_ATTRIBUTE}`
    );
  }
  table.timeToLiveSpecification = { attributeName: RETENTION_EXPIRY_ATTRIBUTE, enabled: true };
  return undefined;
};

const hasLifecycleRules = (
  bucket: IBucket,
): bucket is IBucket & { addLifecycleRule(rule: LifecycleRule): void } =>
  typeof (bucket as { addLifecycleRule?: unknown }).addLifecycleRule === 'function';

/** One line for what was set, per resource, for the tests and the docs. */
export interface AwsExpiry {
  readonly ttlTables: readonly string[];
  readonly lifecycleRules: readonly string[];
  readonly logGroups: readonly string[];
  /** Problems that fail synth, one line each. */
  readonly problems: readonly string[];
}

/**
 * Sets what it can on the resources `props` passes as constructs. `resolved`
 * is the same data map with names (what the rules' targets are checked with).
 */
export const expireInAws = (props: LetheDataMap, resolved: DataMap): AwsExpiry => {
  const ttlTables: string[] = [];
  const lifecycleRules: string[] = [];
  const logGroups: string[] = [];
  const problems: string[] = [];
  const storeOf = (name: string) => props.stores.find((s) => s.name === name);

  for (const task of retentionTasks(resolved)) {
    if (task.rule.ttl !== true) continue;
    const store = storeOf(task.store.name);
    if (task.store.kind === 's3-prefix') {
      const bucket = store !== undefined && 'bucket' in store ? store.bucket : undefined;
      if (typeof bucket !== 'object' || !hasLifecycleRules(bucket)) continue;
      if (!definedResource(bucket, 'AWS::S3::Bucket')) continue;
      const expiry = lifecycleExpiryOf(task.rule, task.store);
      bucket.addLifecycleRule({
        id: expiry.id,
        prefix: expiry.prefix,
        expiration: Duration.days(expiry.days),
        ...(expiry.versioned && { noncurrentVersionExpiration: Duration.days(expiry.days) }),
      });
      lifecycleRules.push(`${bucket.node.path}: ${expiry.prefix} after ${expiry.days} days`);
      continue;
    }
    const table = store !== undefined && 'table' in store ? store.table : undefined;
    if (typeof table !== 'object') continue;
    const cfn = definedResource(
      table,
      CfnTable.CFN_RESOURCE_TYPE_NAME,
      CfnGlobalTable.CFN_RESOURCE_TYPE_NAME,
    );
    if (!cfn) continue;
    const problem = turnOnTtl(cfn as CfnTable | CfnGlobalTable, task.rule.category, table.node.path);
    if (problem) problems.push(problem);
    else if (!ttlTables.includes(table.node.path)) ttlTables.push(table.node.path);
  }

  for (const rule of props.retention ?? []) {
    for (const group of rule.logGroups ?? []) {
      if (typeof group === 'string') continue;
      const cfn = definedResource(group, CfnLogGroup.CFN_RESOURCE_TYPE_NAME) as CfnLogGroup | undefined;
      if (!cfn) continue;
      const current = typeof cfn.retentionInDays === 'number' ? cfn.retentionInDays : undefined;
      const days = logRetentionToSet(current, rule.window);
      if (days !== undefined) cfn.retentionInDays = days;
      logGroups.push(`${group.node.path}: ${days ?? current} days`);
    }
  }
  return { ttlTables, lifecycleRules, logGroups, problems };
};

/** A log group in the data map's props: the construct or its name. */
export type LogGroupReference = string | ILogGroup;
