/** Export jobs on SQS: one message per export. */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ExportJob, ExportJobs } from '../export/ports.ts';

export class SqsExportJobs implements ExportJobs {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(job: ExportJob): Promise<void> {
    await this.client.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(job) }),
    );
  }
}
