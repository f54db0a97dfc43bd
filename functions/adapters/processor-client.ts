/**
 * Asks a third-party processor to delete an account (P5): a signed HTTPS
 * POST. The signature is an HMAC over the timestamp and body, with a secret
 * derived per processor from the subject key, so the processor can check
 * the request came from Lethe. Processors must treat repeats as one request.
 */
import { createHmac } from 'node:crypto';
import type { ProcessorStore } from '../core/data-map.ts';
import { SIGNATURE_HEADER, signatureHeader } from '../core/signature.ts';

export const processorSecret = (subjectKey: string, processor: string) =>
  createHmac('sha256', subjectKey).update(`lethe-processor:${processor}`).digest('hex');

export class ProcessorClient {
  constructor(
    private readonly subjectKey: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async requestDeletion(store: ProcessorStore, accountId: string, requestedAt: string, deadline: string) {
    const body = JSON.stringify({ accountId, requestedAt, deadline });
    const timestamp = Math.floor(Date.parse(requestedAt) / 1000);
    const response = await fetch(store.deletionUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signatureHeader(processorSecret(this.subjectKey, store.name), timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw new Error(`Processor ${store.name} answered HTTP ${response.status}`);
  }
}
