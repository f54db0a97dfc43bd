/**
 * The lifecycle repository on DynamoDB. Every state change is one conditional
 * UpdateItem: when two requests race, the database decides and the loser gets
 * the winner's record back (ReturnValuesOnConditionCheckFailure), never a
 * read-then-write guess.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AccountRepository, DeactivateCommand, Transition } from '../accounts/ports.ts';
import { type AccountRecord, activeRecord, dueShardOf, type LegalHold } from '../core/lifecycle.ts';

/** Internal attributes that never leave the repository. */
const STORAGE_ONLY = ['dueShard'] as const;

const toRecord = (item: Record<string, unknown>): AccountRecord => {
  const record = { ...item };
  for (const key of STORAGE_ONLY) delete record[key];
  return record as unknown as AccountRecord;
};

interface Attempt {
  readonly condition: string;
  readonly update: string;
  readonly values: Record<string, unknown>;
}

type Outcome =
  | { readonly changed: true; readonly record: AccountRecord }
  | { readonly changed: false; readonly old?: AccountRecord };

/**
 * A transition that depends on the current state (for example whether a
 * legal hold is on) is a few conditional attempts, each written for one
 * state; `next` picks the attempt for the state the last failure revealed.
 * The loop is bounded: state can only move forward so often.
 */
const MAX_ATTEMPTS = 4;

export class DynamoAccountRepository implements AccountRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(accountId: string): Promise<AccountRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { accountId }, ConsistentRead: true }),
    );
    return Item ? toRecord(Item) : undefined;
  }

  deactivate(accountId: string, command: DeactivateCommand, now: string): Promise<Transition> {
    const values = {
      ':active': 'ACTIVE',
      ':deactivated': 'DEACTIVATED',
      ':d': command.deactivatedAt,
      ':p': command.purgeAfter,
      ':now': now,
      ':none': [],
      ...(command.reason !== undefined && { ':reason': command.reason }),
    };
    const set = `SET #status = :deactivated, deactivatedAt = :d, purgeAfter = :p, updatedAt = :now, notices = :none${
      command.reason !== undefined ? ', reason = :reason' : ''
    }`;
    const removeReason = command.reason === undefined ? ' REMOVE reason' : '';
    return this.transition(accountId, (old) => {
      if (old === undefined || (old.status === 'ACTIVE' && old.legalHold === undefined)) {
        // Unheld: the account joins the sparse `due` index the sweeper reads.
        return {
          condition:
            '(attribute_not_exists(accountId) OR #status = :active) AND attribute_not_exists(legalHold)',
          update: `${set}, dueShard = :shard${removeReason}`,
          values: { ...values, ':shard': dueShardOf(accountId) },
        };
      }
      if (old.status === 'ACTIVE') {
        // Held: deactivated, but kept out of the due index until the hold is released.
        return {
          condition: '#status = :active AND attribute_exists(legalHold)',
          update: `${set}${removeReason}`,
          values,
        };
      }
      return undefined;
    });
  }

  restore(accountId: string, now: string): Promise<Transition> {
    return this.transition(accountId, (old) =>
      old?.status === 'DEACTIVATED'
        ? {
            condition: '#status = :deactivated',
            update:
              'SET #status = :active, updatedAt = :now REMOVE deactivatedAt, purgeAfter, dueShard, reason, notices',
            values: { ':active': 'ACTIVE', ':deactivated': 'DEACTIVATED', ':now': now },
          }
        : undefined,
    );
  }

  placeHold(accountId: string, hold: LegalHold, now: string): Promise<Transition> {
    return this.transition(accountId, (old) =>
      old === undefined || old.status === 'ACTIVE' || old.status === 'DEACTIVATED'
        ? {
            condition: 'attribute_not_exists(accountId) OR #status IN (:active, :deactivated)',
            update:
              'SET legalHold = :hold, updatedAt = :now, #status = if_not_exists(#status, :active) REMOVE dueShard',
            values: { ':active': 'ACTIVE', ':deactivated': 'DEACTIVATED', ':hold': hold, ':now': now },
          }
        : undefined,
    );
  }

  releaseHold(accountId: string, now: string): Promise<Transition> {
    return this.transition(accountId, (old) => {
      if (old?.legalHold === undefined) return undefined;
      if (old.status === 'DEACTIVATED') {
        // Back in the due index: if `purgeAfter` has passed, the next sweep claims it.
        return {
          condition: '#status = :deactivated AND attribute_exists(legalHold)',
          update: 'SET dueShard = :shard, updatedAt = :now REMOVE legalHold',
          values: { ':deactivated': 'DEACTIVATED', ':shard': dueShardOf(accountId), ':now': now },
        };
      }
      if (old.status === 'ACTIVE') {
        return {
          condition: '#status = :active AND attribute_exists(legalHold)',
          update: 'SET updatedAt = :now REMOVE legalHold',
          values: { ':active': 'ACTIVE', ':now': now },
        };
      }
      return undefined;
    });
  }

  /**
   * Runs the attempt `plan` chooses for the state last seen, starting from
   * "no record" as the optimistic guess for a first write. `plan` returning
   * undefined means the state admits no change: the current record is the answer.
   */
  private async transition(
    accountId: string,
    plan: (old: AccountRecord | undefined) => Attempt | undefined,
  ): Promise<Transition> {
    let seen = await this.get(accountId);
    for (let i = 0; i < MAX_ATTEMPTS; i += 1) {
      const attempt = plan(seen);
      if (!attempt) return { record: seen ?? activeRecord(accountId), changed: false };
      const outcome = await this.attempt(accountId, attempt);
      if (outcome.changed) return outcome;
      seen = outcome.old;
    }
    throw new Error('Account state kept changing under concurrent writes; retry the request.');
  }

  private async attempt(accountId: string, attempt: Attempt): Promise<Outcome> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { accountId },
          ConditionExpression: attempt.condition,
          UpdateExpression: attempt.update,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: attempt.values,
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { changed: true, record: toRecord(Attributes ?? {}) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        return { changed: false, ...(error.Item && { old: toRecord(unmarshall(error.Item)) }) };
      }
      throw error;
    }
  }
}
