import { S3DownloadLinks } from '../adapters/s3-download-links.ts';
import { requireEnv } from '../commons/env.ts';
import { invalidRequest } from '../core/errors.ts';
import { isExportId } from '../core/export.ts';
import { exportsBucket } from '../core/resources.ts';
import { readExport } from '../export/use-cases.ts';
import { exportRecords, exportSettings } from '../workers/export-deps.ts';
import { accountHandler } from './middleware.ts';

const links = new S3DownloadLinks(requireEnv(exportsBucket.env));

export const handler = accountHandler({}, async ({ accountId, path }) => {
  const { exportId } = path;
  if (!isExportId(exportId)) throw invalidRequest('exportId is not an export id.');
  const view = await readExport(
    { exports: exportRecords, links, settings: exportSettings, now: () => new Date() },
    accountId,
    exportId,
  );
  return { statusCode: 200, body: view };
});
