/** Jobs on SQS, sent ten at a time; entries SQS refuses are retried, then the send fails loudly. */
import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';

const BATCH = 10;
const ATTEMPTS = 3;

/** Jobs as JSON messages on one queue; the purge and notice queues alike. */
export class SqsJobQueue<Job> {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(jobs: readonly Job[]): Promise<void> {
    for (let i = 0; i < jobs.length; i += BATCH) {
      let entries: SendMessageBatchRequestEntry[] = jobs
        .slice(i, i + BATCH)
        .map((job, n) => ({ Id: String(n), MessageBody: JSON.stringify(job) }));
      for (let attempt = 1; entries.length > 0; attempt += 1) {
        const { Failed } = await this.client.send(
          new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
        );
        const failed = new Set((Failed ?? []).map((f) => f.Id));
        entries = entries.filter((e) => failed.has(e.Id));
        if (entries.length > 0 && attempt >= ATTEMPTS) {
          // The claims stand; their lease runs out and the next sweep enqueues them again.
          throw new Error(`SQS refused ${entries.length} jobs after ${ATTEMPTS} attempts`);
        }
      }
    }
  }
}
