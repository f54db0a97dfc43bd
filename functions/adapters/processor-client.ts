/**
 * Asks a third-party processor to delete an account (P5): a signed HTTPS
 * POST. The signature is an HMAC over the timestamp and body, with a secret
 * derived per processor from the subject key, so the processor can check
 * the request came from Lethe. Processors must treat repeats as one request.
 */
import { createHmac } from 'node:crypto';
import type { ProcessorStore } from '../core/data-map.ts';
import { SIGNATURE_HEADER, signatureHeader } from '../core/signature.ts';

/** The signature scheme lives in core; lifecycle webhooks import it from here too. */
export { signatureHeader };

export const processorSecret = (subjectKey: string, processor: string) =>
  createHmac('sha256', subjectKey).update(`lethe-processor:${processor}`).digest('hex');

/**
 * Local mode's one exception to "processors are HTTPS": every processor is
 * sent to the fake processor on this machine instead (local/fake-processor.ts),
 * named by LETHE_PROCESSOR_ENDPOINT_URL, and only a loopback http URL is taken.
 * In AWS the variable is never set, and the data map's https URLs are used.
 */
export const localProcessorEndpoint = (value: string | undefined): string | undefined => {
  if (value === undefined || value === '') return undefined;
  if (!/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(value)) {
    throw new Error('LETHE_PROCESSOR_ENDPOINT_URL must be http://127.0.0.1:<port> (local mode only)');
  }
  return value;
};

export class ProcessorClient {
  constructor(
    private readonly subjectKey: string,
    private readonly timeoutMs = 10_000,
    /** Local mode's fake processor, in place of every deletionUrl. */
    private readonly localEndpoint?: string,
  ) {}

  async requestDeletion(store: ProcessorStore, accountId: string, requestedAt: string, deadline: string) {
    const body = JSON.stringify({ accountId, requestedAt, deadline });
    const timestamp = Math.floor(Date.parse(requestedAt) / 1000);
    const url = this.localEndpoint ? `${this.localEndpoint}/${store.name}/deletions` : store.deletionUrl;
    const signature = signatureHeader(processorSecret(this.subjectKey, store.name), timestamp, body);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw new Error(`Processor ${store.name} answered HTTP ${response.status}`);
  }
}
