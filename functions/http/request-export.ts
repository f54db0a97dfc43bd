import { SqsExportJobs } from '../adapters/sqs-export-jobs.ts';
import { SqsSender } from '../adapters/sqs-sender.ts';
import { requireEnv } from '../commons/env.ts';
import { metrics } from '../commons/metrics.ts';
import { exportQueue } from '../core/resources.ts';
import { requestExport } from '../export/use-cases.ts';
import { exportRecords, exportSettings } from '../workers/export-deps.ts';
import { accountDeps } from './deps.ts';
import { accountHandler } from './middleware.ts';

// Sent to SQS's own endpoint, not the queue URL's host: fauxqs's URLs name hosts that only exist in its own world.
const jobs = new SqsExportJobs(new SqsSender(), requireEnv(exportQueue.env));

/** 202 with a new PENDING export; 200 with the one already pending. */
export const handler = accountHandler({}, async ({ accountId }) => {
  const { view, created } = await requestExport(
    { ...accountDeps, exports: exportRecords, jobs, settings: exportSettings, metrics },
    accountId,
  );
  return { statusCode: created ? 202 : 200, body: view };
});
