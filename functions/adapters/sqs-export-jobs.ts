/** Export jobs on SQS: one message per export. */
import type { ExportJob, ExportJobs } from '../export/ports.ts';

/** The one SQS call a job needs (SqsSender in the API; anything with the same call in tests). */
export interface MessageSender {
  sendMessage(queueUrl: string, body: string): Promise<void>;
}

export class SqsExportJobs implements ExportJobs {
  constructor(
    private readonly sqs: MessageSender,
    private readonly queueUrl: string,
  ) {}

  async send(job: ExportJob): Promise<void> {
    await this.sqs.sendMessage(this.queueUrl, JSON.stringify(job));
  }
}
