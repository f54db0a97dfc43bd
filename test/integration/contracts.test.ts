/**
 * The shared contracts, against the DynamoDB adapters on the stand-in. The
 * purge state gets an Accounts table of its own (same keys and indexes), so
 * its due records never meet the sweeps of other test files.
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { AuditLog } from '../../functions/adapters/dynamo-audit.ts';
import { DynamoExportRecords } from '../../functions/adapters/dynamo-exports.ts';
import { Outbox } from '../../functions/adapters/dynamo-outbox.ts';
import { DynamoPurgeState } from '../../functions/adapters/dynamo-purge-state.ts';
import { dueShardOf } from '../../functions/core/lifecycle.ts';
import { accountsTable, auditTable, exportsTable, outboxTable } from '../../functions/core/resources.ts';
import { createTableInput } from '../../local/resources.ts';
import { exportRecordsContract } from '../support/contracts/export-records.ts';
import { purgeClaimsContract } from '../support/contracts/purge-claims.ts';
import { doc } from './support.ts';

const table = `lethe-accounts-contract-${randomUUID().slice(0, 8)}`;
await doc.send(new CreateTableCommand(createTableInput(table, accountsTable.key, accountsTable.indexes)));
await waitUntilTableExists({ client: doc, maxWaitTime: 30 }, { TableName: table });
const subjectKey = inject('handlerEnvironment').LETHE_SUBJECT_KEY ?? '';
const audit = new AuditLog(doc, auditTable.localName, subjectKey, 3 * 365 * 86_400_000);
const outbox = new Outbox(outboxTable.localName);
const state = new DynamoPurgeState(doc, table, audit, outbox);

purgeClaimsContract('DynamoPurgeState', () => ({
  state,
  trail: (accountId) => audit.trail(accountId),
  deactivated: async (accountId, purgeAfter, options = {}) => {
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: {
          accountId,
          status: 'DEACTIVATED',
          deactivatedAt: '2026-11-01T00:00:00.000Z',
          purgeAfter,
          // Only an unheld deactivated record carries the due index's key (as DynamoAccountRepository writes).
          ...(options.legalHold
            ? { legalHold: { reason: 'contract', placedAt: '2026-11-02T00:00:00.000Z' } }
            : { dueShard: dueShardOf(accountId) }),
        },
      }),
    );
  },
}));

exportRecordsContract(
  'DynamoExportRecords',
  () => new DynamoExportRecords(doc, exportsTable.localName, outbox),
);
