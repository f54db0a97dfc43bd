/**
 * Lethe's stateful resources as one construct: the Accounts, Audit and
 * Exports tables, the exports bucket and the subject key, all retained and
 * encrypted. Kept apart from the Lethe construct so a team can put them in
 * a stack of their own (replace or tear down the stateless part freely) or
 * let Lethe create them inside itself. Tables are built from their
 * plain-data definitions in functions/core/resources.ts, the same ones local
 * mode creates.
 */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  type ITable,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  accountsTable,
  auditTable,
  exportsBucket as exportsBucketDefinition,
  exportsTable,
  letheTables,
  outboxTable,
  type TableDefinition,
} from '../functions/core/resources.ts';
import { acknowledgeNag } from './nag.ts';
import { scopedName } from './names.ts';

/** Every key Lethe writes is a string (account ids, shard names, ISO times). */
const stringKey = (name: string) => ({ name, type: AttributeType.STRING });

/**
 * A table from its definition: on demand, point-in-time recovery, deletion
 * protection, retained when the stack goes.
 *
 * Encryption is KMS with the AWS managed key (aws/dynamodb): every read and
 * write is still KMS-encrypted and logged in CloudTrail and the key rotates
 * yearly, but there is no key policy to get wrong and no key that, disabled
 * or scheduled for deletion, would make the purge schedule unreadable (P2).
 * Switching to a customer managed key later is an in-place update.
 */
export const tableFrom = (scope: Construct, definition: TableDefinition): Table => {
  const table = new Table(scope, definition.id, {
    partitionKey: stringKey(definition.key.partitionKey),
    ...(definition.key.sortKey !== undefined && { sortKey: stringKey(definition.key.sortKey) }),
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: TableEncryption.AWS_MANAGED,
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
    ...(definition.ttlAttribute !== undefined && { timeToLiveAttribute: definition.ttlAttribute }),
    ...(definition.stream === 'NEW_IMAGE' && { stream: StreamViewType.NEW_IMAGE }),
  });
  for (const index of definition.indexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: stringKey(index.partitionKey),
      ...(index.sortKey !== undefined && { sortKey: stringKey(index.sortKey) }),
      projectionType: index.projection === 'KEYS_ONLY' ? ProjectionType.KEYS_ONLY : ProjectionType.ALL,
    });
  }
  return table;
};

/** What Lethe's capabilities receive from its state, typed. */
export interface LetheStateResources {
  /** One item per account: its lifecycle state, and the tombstones of purged accounts. */
  readonly accountsTable: ITable;
  /** The audit trail and deletion receipts, keyed by subject. */
  readonly auditTable: ITable;
  /** The HMAC key behind subjects (functions/core/subject.ts). */
  readonly subjectKey: ISecret;
  /** Export records: one item per export, and the pending pointer. */
  readonly exportsTable: ITable;
  /** Export archives, deleted by a lifecycle rule after a week. */
  readonly exportsBucket: ExportsBucketRef;
  /** Lifecycle events, written with each change and published from its stream (lib/events.ts). */
  readonly outboxTable: ITable;
}

/**
 * The exports bucket by name. The name is derived, not referenced across
 * stacks: its account and region are each stack's own pseudo parameters, so
 * the stateless stack's grants name the bucket literally and cdk-nag's
 * finding on the archives' wildcard is one fixed string (see LetheFunction).
 */
export interface ExportsBucketRef {
  readonly bucketName: string;
  /** The name as cdk-nag prints it, pseudo parameters as `<AWS::…>`. */
  readonly findingName: string;
}

/** `-<12-digit account>-<region>`: what follows the scoped part of the bucket name. */
const ACCOUNT_REGION_LENGTH = 1 + 12 + 1 + 16;

export const exportsBucketRefOf = (scope: Construct): ExportsBucketRef => {
  const prefix = scopedName(scope, 'exports', {
    maxLength: 63,
    lowerCase: true,
    reserve: ACCOUNT_REGION_LENGTH,
  });
  const name = (account: string, region: string) => `${prefix}-${account}-${region}`;
  return {
    bucketName: name(Aws.ACCOUNT_ID, Aws.REGION),
    findingName: name('<AWS::AccountId>', '<AWS::Region>'),
  };
};

/** Why the exports bucket keeps no server access logs; the finding is acknowledged with exactly this. */
export const EXPORTS_NO_ACCESS_LOGS =
  'Server access logs of the exports bucket would record every archive key, and the keys carry raw ' +
  'account ids; the logs would outlive the purge that deletes the archives (I6). Downloads are ' +
  'traceable through the API access logs (GET of an export) and CloudTrail data events if enabled.';

/** Why the subject key never rotates; the finding is acknowledged with exactly this. */
export const SUBJECT_KEY_NO_ROTATION =
  'The subject key is the HMAC key that turns an account id into the subject every audit event, ' +
  'receipt and tombstone is keyed by (I6); rotating it would orphan all of them: a purged account ' +
  'would read as unknown and its receipt and audit trail could no longer be found.';

/** Lethe's state. @default props: none to give; every resource is retained on delete. */
// biome-ignore lint/complexity/noBannedTypes: no props yet; the type keeps the constructor's shape stable when some come.
export type LetheStateProps = {};

export class LetheState extends Construct implements LetheStateResources {
  /** Every table in `letheTables`, by definition id. */
  readonly tables: ReadonlyMap<string, Table>;
  readonly accountsTable: Table;
  readonly auditTable: Table;
  readonly subjectKey: Secret;
  readonly exportsTable: Table;
  readonly outboxTable: Table;
  readonly exportsBucketResource: Bucket;
  readonly exportsBucket: ExportsBucketRef;

  constructor(scope: Construct, id: string, _props: LetheStateProps = {}) {
    super(scope, id);
    this.tables = new Map(letheTables.map((definition) => [definition.id, tableFrom(this, definition)]));
    this.accountsTable = this.tables.get(accountsTable.id)!;
    this.auditTable = this.tables.get(auditTable.id)!;
    this.exportsTable = this.tables.get(exportsTable.id)!;
    this.outboxTable = this.tables.get(outboxTable.id)!;

    // Export archives: private, encrypted, TLS only, gone a week after they were written.
    // RETAIN like every stateful resource here: auto-delete would need a custom resource
    // with delete rights on the whole bucket, and what is left expires within 7 days anyway.
    this.exportsBucket = exportsBucketRefOf(this);
    this.exportsBucketResource = new Bucket(this, exportsBucketDefinition.id, {
      bucketName: this.exportsBucket.bucketName,
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      // Unversioned on purpose: a purge's DeleteObjects must leave no older version behind (I6).
      versioned: false,
      lifecycleRules: [
        {
          id: 'expire-exports',
          expiration: Duration.days(exportsBucketDefinition.expirationDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNag(this.exportsBucketResource, 'AwsSolutions-S1', EXPORTS_NO_ACCESS_LOGS);

    // Generated in Secrets Manager, never seen by a person or a template. Letters and
    // digits only (≈ 380 bits): no character any shell, URL or HMAC library treats specially.
    // Encrypted with Secrets Manager's AWS managed key, like the tables (see tableFrom).
    this.subjectKey = new Secret(this, 'SubjectKey', {
      description:
        'Lethe subject key: the HMAC key behind audit trails, receipts and tombstones. Never rotate.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      // Losing it loses the link from an account to its receipt and audit trail.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNag(this.subjectKey, 'AwsSolutions-SMG4', SUBJECT_KEY_NO_ROTATION);
  }
}
