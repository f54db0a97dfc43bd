/**
 * The adapters the Lambdas use, built on the CLI's own clients for the
 * target. Not functions/commons: those modules read env and await the
 * subject key at import. Everything is made on first use, so `dlq list`
 * never asks for the subject key and `status` never opens an SQS client.
 */
import { userInfo } from 'node:os';
import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AccountDeps } from '../functions/accounts/use-cases.ts';
import { CloudWatchLogRetention } from '../functions/adapters/cloudwatch-log-retention.ts';
import { CognitoUsers } from '../functions/adapters/cognito-users.ts';
import { DynamoAccountRepository } from '../functions/adapters/dynamo-accounts.ts';
import { AuditLog } from '../functions/adapters/dynamo-audit.ts';
import { DynamoConfirmations } from '../functions/adapters/dynamo-confirmations.ts';
import { Outbox } from '../functions/adapters/dynamo-outbox.ts';
import { DynamoProfileReader } from '../functions/adapters/dynamo-profiles.ts';
import { DynamoPurgeState } from '../functions/adapters/dynamo-purge-state.ts';
import { DynamoPurger } from '../functions/adapters/dynamo-purger.ts';
import { S3Purger } from '../functions/adapters/s3-purger.ts';
import type { DataMap } from '../functions/core/data-map.ts';
import { parseDuration } from '../functions/core/duration.ts';
import type { Actor } from '../functions/core/lifecycle.ts';
import type { Target } from './target.ts';

/** The operator when neither --operator nor LETHE_OPERATOR names one: the OS account running the CLI. */
export const osOperator = (): Actor => {
  let id = 'cli';
  try {
    id = userInfo().username || id;
  } catch {
    // No user database entry (some containers): the generic name stands.
  }
  return { kind: 'operator', id };
};

/** A stand-in that is not running should fail in seconds, not after the SDK's default waits. */
const REQUEST_HANDLER = { connectionTimeout: 5_000, requestTimeout: 60_000 };

export class Services {
  private made = new Map<string, unknown>();
  private destroyers: (() => void)[] = [];

  constructor(
    readonly target: Target,
    readonly map: DataMap,
    /** How long audit events written by hold and release are kept (LETHE_AUDIT_RETENTION). */
    private readonly auditRetention: string,
    /** Who the audit trail records for what this CLI changes: hold, release, and a sweep's claims. */
    readonly operator: Actor = osOperator(),
  ) {}

  private once<T>(key: string, make: () => T): T {
    if (!this.made.has(key)) this.made.set(key, make());
    return this.made.get(key) as T;
  }

  private common() {
    const { region, credentials } = this.target;
    return {
      ...(region && { region }),
      ...(credentials && { credentials }),
      requestHandler: REQUEST_HANDLER,
    };
  }

  get ddb(): DynamoDBClient {
    return this.once('ddb', () => {
      const endpoint = this.target.endpoints?.dynamodb;
      const client = new DynamoDBClient({ ...this.common(), ...(endpoint && { endpoint }) });
      this.destroyers.push(() => client.destroy());
      return client;
    });
  }

  get doc(): DynamoDBDocumentClient {
    return this.once('doc', () =>
      DynamoDBDocumentClient.from(this.ddb, { marshallOptions: { removeUndefinedValues: true } }),
    );
  }

  get s3(): S3Client {
    return this.once('s3', () => {
      const endpoint = this.target.endpoints?.sqsS3;
      const client = new S3Client({
        ...this.common(),
        ...(endpoint && { endpoint, forcePathStyle: true }),
      });
      this.destroyers.push(() => client.destroy());
      return client;
    });
  }

  get sqs(): SQSClient {
    return this.once('sqs', () => {
      const endpoint = this.target.endpoints?.sqsS3;
      // Locally the queue URL is used as given: fauxqs's own URLs name hosts that only resolve in its world.
      const client = new SQSClient({
        ...this.common(),
        ...(endpoint && { endpoint, useQueueUrlAsEndpoint: false }),
      });
      this.destroyers.push(() => client.destroy());
      return client;
    });
  }

  get ses(): SESv2Client {
    return this.once('ses', () => {
      const endpoint = this.target.endpoints?.ses;
      const client = new SESv2Client({ ...this.common(), ...(endpoint && { endpoint }) });
      this.destroyers.push(() => client.destroy());
      return client;
    });
  }

  /** AWS only: local mode has no SNS or API Gateway stand-in. */
  get sns(): SNSClient {
    return this.once('sns', () => {
      const client = new SNSClient(this.common());
      this.destroyers.push(() => client.destroy());
      return client;
    });
  }

  get apiGateway(): ApiGatewayV2Client {
    return this.once('apiGateway', () => {
      const client = new ApiGatewayV2Client(this.common());
      this.destroyers.push(() => client.destroy());
      return client;
    });
  }

  auditLog(): Promise<AuditLog> {
    return this.once('audit', async () => {
      const [table, key] = await Promise.all([this.target.resource('auditTable'), this.target.subjectKey()]);
      return new AuditLog(this.doc, table, key, parseDuration(this.auditRetention));
    });
  }

  /** Where a hold placed or released from the CLI is announced, like one from the API. */
  outbox(): Promise<Outbox> {
    return this.once('outbox', async () => new Outbox(await this.target.resource('outboxTable')));
  }

  accounts(): Promise<DynamoAccountRepository> {
    return this.once('accounts', async () => {
      const [table, audit, outbox] = await Promise.all([
        this.target.resource('accountsTable'),
        this.auditLog(),
        this.outbox(),
      ]);
      return new DynamoAccountRepository(this.doc, table, audit, outbox);
    });
  }

  purgeState(): Promise<DynamoPurgeState> {
    return this.once('purgeState', async () => {
      const [table, audit, outbox] = await Promise.all([
        this.target.resource('accountsTable'),
        this.auditLog(),
        this.outbox(),
      ]);
      return new DynamoPurgeState(this.doc, table, audit, outbox, this.operator);
    });
  }

  confirmations(): Promise<DynamoConfirmations> {
    return this.once('confirmations', async () => {
      return new DynamoConfirmations(this.doc, await this.target.resource('accountsTable'));
    });
  }

  get profiles(): DynamoProfileReader {
    return this.once('profiles', () => new DynamoProfileReader(this.doc, this.map));
  }

  get dynamoPurger(): DynamoPurger {
    return this.once('dynamoPurger', () => new DynamoPurger(this.ddb));
  }

  /** The data map's user pools, through the adapter the purge worker uses. */
  get cognitoUsers(): CognitoUsers {
    return this.once('cognitoUsers', () => {
      const endpoint = this.target.endpoints?.cognito;
      const client = new CognitoIdentityProviderClient({ ...this.common(), ...(endpoint && { endpoint }) });
      this.destroyers.push(() => client.destroy());
      return new CognitoUsers(client, endpoint);
    });
  }

  /** Log groups' retention, through the adapter the retention sweeper uses (AWS only: no stand-in). */
  get logRetention(): CloudWatchLogRetention {
    return this.once('logRetention', () => {
      const client = new CloudWatchLogsClient(this.common());
      this.destroyers.push(() => client.destroy());
      return new CloudWatchLogRetention(client);
    });
  }

  get s3Purger(): S3Purger {
    return this.once('s3Purger', () => new S3Purger(this.s3));
  }

  /** The account use cases' dependencies, as functions/http/deps.ts wires them in a Lambda. */
  async accountDeps(now: () => Date): Promise<AccountDeps> {
    return {
      accounts: await this.accounts(),
      profiles: this.profiles,
      gracePeriodMs: parseDuration(this.target.gracePeriod),
      now,
    };
  }

  close(): void {
    for (const destroy of this.destroyers) destroy();
    this.target.close();
  }
}
