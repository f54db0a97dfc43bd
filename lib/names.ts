/**
 * Physical names, derived from where a construct sits: its stack's name and
 * its path inside the stack. Two Lethe instances in one account and region
 * (staging and prod, in one stack or two) never ask for the same name, and
 * the name still tells an operator which instance a resource belongs to.
 * Everything else Lethe creates is left for CloudFormation to name, which it
 * does from the stack name and the logical id (itself the construct path).
 */
import { createHash } from 'node:crypto';
import { Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export interface ScopedNameOptions {
  /** The service's limit for the whole name. */
  readonly maxLength: number;
  /** S3 bucket names are lower case. @default false */
  readonly lowerCase?: boolean;
  /** Characters of the name that come after it (e.g. `-<account>-<region>`), counted against maxLength. @default 0 */
  readonly reserve?: number;
}

/** The parts of `scope`'s identity: its stack's name, then each construct id below the stack. */
export const scopeParts = (scope: IConstruct): string[] => {
  const stack = Stack.of(scope);
  const stackName = Token.isUnresolved(stack.stackName) ? stack.node.path : stack.stackName;
  const below = scope.node.scopes.slice(stack.node.scopes.length).map((c) => c.node.id);
  return [stackName, ...below];
};

/**
 * `<stack>-<path>-<suffix>` in the characters every AWS name accepts
 * (letters, digits, dashes), shortened with a hash of the full path when it
 * would pass `maxLength`, so it stays unique and stable.
 */
export const scopedName = (scope: IConstruct, suffix: string, options: ScopedNameOptions): string => {
  const parts = scopeParts(scope);
  const clean = (text: string) => {
    const dashed = text
      .replace(/[^A-Za-z0-9-]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '');
    return options.lowerCase ? dashed.toLowerCase() : dashed;
  };
  const base = clean(parts.join('-'));
  const room = options.maxLength - (options.reserve ?? 0) - suffix.length - 1;
  if (base.length <= room) return `${base}-${suffix}`;
  const hash = createHash('sha256').update(parts.join('/')).digest('hex').slice(0, 8);
  const head = base.slice(0, room - hash.length - 1).replace(/-$/, '');
  return `${head}-${hash}-${suffix}`;
};
