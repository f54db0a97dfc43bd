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

  async requestDeletion(
    store: ProcessorStore,
    accountId: string,
    requestedAt: string,
    deadline: string,
    requestId: string,
  ) {
    const url = this.localEndpoint ? `${this.localEndpoint}/${store.name}/deletions` : store.deletionUrl;
    const response = await this.post(
      store,
      url,
      { accountId, requestId, requestedAt, deadline },
      requestedAt,
    );
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`Processor ${store.name} answered HTTP ${response.status}`);
  }

  /**
   * Asks the processor's status URL whether a deletion request is done:
   * `{"requestId"}` signed as the request was; `200 {"status": "deleted"}`
   * means done, any other answer not yet. An HTTP error throws.
   */
  async status(store: ProcessorStore, requestId: string, at: Date): Promise<'deleted' | 'pending'> {
    const url = this.localEndpoint ? `${this.localEndpoint}/${store.name}/status` : store.statusUrl;
    if (!url) throw new Error(`Processor ${store.name} has no status URL`);
    const response = await this.post(store, url, { requestId }, at.toISOString());
    if (!response.ok) {
      await response.arrayBuffer();
      throw new Error(`Processor ${store.name} status answered HTTP ${response.status}`);
    }
    const answer = (await response.json().catch(() => undefined)) as { status?: unknown } | undefined;
    return answer?.status === 'deleted' ? 'deleted' : 'pending';
  }

  /** A JSON POST signed with the processor's secret at the given time (docs/compliance.md). */
  private post(store: ProcessorStore, url: string, payload: object, at: string) {
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(Date.parse(at) / 1000);
    const signature = signatureHeader(processorSecret(this.subjectKey, store.name), timestamp, body);
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
  }
}
