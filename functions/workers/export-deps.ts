/** Export settings and records, wired once per container at cold start. */

import { DynamoExportRecords } from '../adapters/dynamo-exports.ts';
import { dynamo } from '../commons/clients.ts';
import { config } from '../commons/config.ts';
import { envOr, requireEnv } from '../commons/env.ts';
import { outbox } from '../commons/outbox.ts';
import { parseDuration } from '../core/duration.ts';
import { DEFAULT_EXPORTS_PER_DAY, DEFAULT_LINK_EXPIRY, type ExportSettings } from '../core/export.ts';
import { exportsTable } from '../core/resources.ts';

export const exportRecords = new DynamoExportRecords(dynamo, requireEnv(exportsTable.env), outbox);

export const exportSettings: ExportSettings = {
  perDay: Number(envOr('LETHE_EXPORTS_PER_DAY', String(config.exports?.perDay ?? DEFAULT_EXPORTS_PER_DAY))),
  linkExpiryMs: parseDuration(
    envOr('LETHE_EXPORT_LINK_EXPIRY', config.exports?.linkExpiry ?? DEFAULT_LINK_EXPIRY),
  ),
};
