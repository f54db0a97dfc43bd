/**
 * Data export (P7): the export queue, its DLQ and alarm, and the export
 * worker that streams an account's archive into the exports bucket. The
 * worker reads the data map's stores and never writes to them.
 */
import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { LetheConfig } from '../functions/core/config-schema.ts';
import { exportQueue as exportQueueDefinition } from '../functions/core/resources.ts';
import type { LetheAlarms } from './alarms.ts';
import { LetheFunction } from './lethe-function.ts';
import { queueSettingsOf, queueWithDlq } from './queues.ts';
import type { ExportsBucketRef } from './state.ts';

/** Exports at once: each reads every store of one account, so this caps the load on the host app's stores. */
export const EXPORT_CONCURRENCY = 2;

export interface LetheExportProps {
  readonly accountsTable: ITable;
  readonly exportsTable: ITable;
  readonly exportsBucket: ExportsBucketRef;
  readonly config: LetheConfig;
  readonly alarms: LetheAlarms;
}

export class LetheExport extends Construct {
  readonly exportQueue: Queue;
  readonly exportDlq: Queue;
  readonly worker: LetheFunction;
  readonly dlqDepthAlarm: Alarm;

  constructor(scope: Construct, id: string, props: LetheExportProps) {
    super(scope, id);
    const { config } = props;
    const jobs = queueWithDlq(this, {
      id: exportQueueDefinition.id,
      ...queueSettingsOf(exportQueueDefinition),
      dlq: {
        id: 'ExportDlq',
        alarmId: 'ExportDlqDepthAlarm',
        alarmDescription:
          'Lethe: an export failed every retry and is in the export DLQ; the export is marked FAILED and ' +
          'the user may ask again. Read the export worker logs for the masked account.',
        alarms: props.alarms,
      },
    });
    this.exportQueue = jobs.queue;
    this.exportDlq = jobs.dlq;
    this.dlqDepthAlarm = jobs.dlqAlarm;

    this.worker = new LetheFunction(this, 'ExportWorker', {
      entry: 'functions/workers/export-worker.ts',
      description:
        'Lethe export worker: streams an account’s data-map stores into a ZIP in the exports bucket',
      timeout: Duration.seconds(exportQueueDefinition.consumerTimeoutSeconds),
      // Streams, not buffers: a few multipart parts in flight (see s3-zip-archive.ts), whatever the account's size.
      memorySize: 512,
      logRetentionDays: config.logRetentionDays,
    })
      .useAccountsTable(props.accountsTable, 'read')
      .useExportsTable(props.exportsTable, 'worker')
      .useExportsBucket(props.exportsBucket, 'write')
      .useDataMapForExport(config.dataMap)
      // A message whose body can never be read goes to the DLQ at once, not after three deliveries.
      .useDeadLetterQueue(this.exportDlq, exportQueueDefinition);
    this.worker.addEventSource(
      new SqsEventSource(this.exportQueue, {
        batchSize: exportQueueDefinition.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: EXPORT_CONCURRENCY,
      }),
    );
  }
}
