/**
 * A stand-in for the data map's third-party processors (P5), so the whole
 * loop is visible on `npm start`: it takes Lethe's signed deletion request,
 * checks the signature as a real processor should, and later POSTs a signed
 * confirmation back to the API, the way a processor would. Local mode points
 * every processor at it with LETHE_PROCESSOR_ENDPOINT_URL (loopback only).
 *
 * What each processor does is set per name: confirm after a delay (the
 * default), never answer (its line goes overdue after the deadline), fail
 * the request with HTTP 500 (the purge is held back, and goes overdue), or
 * call nothing back but answer its status URL (`POST <url>/<processor>/status`,
 * signed `{"requestId"}`): "pending" until the delay has passed, then
 * "deleted", as a processor that is polled does.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { processorSecret } from '../functions/adapters/processor-client.ts';
import { SIGNATURE_HEADER, signatureHeader, verifySignature } from '../functions/core/signature.ts';

export type ProcessorBehaviour =
  | { readonly confirmAfterMs: number }
  | { readonly deletedAfterMs: number }
  | 'silent'
  | 'failing';

export interface FakeProcessorOptions {
  readonly subjectKey: string;
  /** Where confirmations go: the API's base URL, once it is known. */
  readonly apiUrl: () => string | undefined;
  /** By processor name; a name not listed confirms after `defaultDelayMs`. */
  readonly behaviours?: Readonly<Record<string, ProcessorBehaviour>>;
  readonly defaultDelayMs?: number;
  /** Account ids whose deletion requests fail with 500 at every processor (a store that holds a purge back). */
  readonly failFor?: readonly string[];
  readonly log?: (line: string) => void;
}

export interface FakeProcessor {
  /** `http://127.0.0.1:<port>`: requests go to `<url>/<processor>/deletions`. */
  readonly url: string;
  /** Deletion requests received, in order (the body as sent). */
  readonly received: { processor: string; accountId: string; requestId?: string }[];
  /** Status polls received, in order, with the answer given. */
  readonly polled: { processor: string; requestId: string; status: 'deleted' | 'pending' }[];
  /** Changes what a processor does from now on (tests). */
  behave(processor: string, behaviour: ProcessorBehaviour): void;
  failFor(accountId: string, failing: boolean): void;
  stop(): Promise<void>;
}

const MAX_BODY = 16 * 1024;

export const startFakeProcessor = async (options: FakeProcessorOptions): Promise<FakeProcessor> => {
  const behaviours = new Map(Object.entries(options.behaviours ?? {}));
  const failing = new Set(options.failFor ?? []);
  const received: { processor: string; accountId: string; requestId?: string }[] = [];
  const polled: { processor: string; requestId: string; status: 'deleted' | 'pending' }[] = [];
  /** When each request polled by its id counts as deleted, by `<processor>#<requestId>`. */
  const deletedAt = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const log = options.log ?? (() => undefined);

  const confirm = async (processor: string, accountId: string) => {
    const apiUrl = options.apiUrl();
    if (!apiUrl) return;
    const body = JSON.stringify({ accountId });
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await fetch(`${apiUrl}/v1/processors/${processor}/confirmations`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signatureHeader(processorSecret(options.subjectKey, processor), timestamp, body),
      },
      body,
    });
    log(`processor ${processor}: confirmed a deletion (HTTP ${response.status})`);
  };

  /** A signed request's body, or undefined (answered 401) when its signature does not verify. */
  const signedBody = (req: IncomingMessage, processor: string, done: (body: string | undefined) => void) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signed = verifySignature(
        req.headers[SIGNATURE_HEADER] as string | undefined,
        processorSecret(options.subjectKey, processor),
        body,
        new Date(),
        5 * 60_000,
      );
      done(signed ? body : undefined);
    });
  };

  const deletion = (processor: string, body: string, res: ServerResponse) => {
    const { accountId, requestId } = JSON.parse(body) as { accountId: string; requestId?: string };
    received.push({ processor, accountId, ...(requestId && { requestId }) });
    const behaviour = behaviours.get(processor) ?? { confirmAfterMs: options.defaultDelayMs ?? 5000 };
    if (behaviour === 'failing' || failing.has(accountId)) {
      res.writeHead(500).end();
      return;
    }
    res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"accepted"}');
    if (behaviour === 'silent') return;
    if ('deletedAfterMs' in behaviour) {
      if (requestId) deletedAt.set(`${processor}#${requestId}`, Date.now() + behaviour.deletedAfterMs);
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      confirm(processor, accountId).catch((error) =>
        log(`processor ${processor}: confirmation failed (${(error as Error).message})`),
      );
    }, behaviour.confirmAfterMs);
    timers.add(timer);
  };

  const status = (processor: string, body: string, res: ServerResponse) => {
    const { requestId } = JSON.parse(body) as { requestId: string };
    const at = deletedAt.get(`${processor}#${requestId}`);
    const answer = at !== undefined && at <= Date.now() ? 'deleted' : 'pending';
    polled.push({ processor, requestId, status: answer });
    log(`processor ${processor}: asked for a deletion's status, answered ${answer}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: answer }));
  };

  const server: Server = createServer((req, res) => {
    const match = /^\/([a-z][a-z0-9-]*)\/(deletions|status)$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) {
      res.writeHead(404).end();
      return;
    }
    const [, processor = '', route] = match;
    signedBody(req, processor, (body) => {
      if (body === undefined) res.writeHead(401).end();
      else if (route === 'status') status(processor, body, res);
      else deletion(processor, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    polled,
    behave: (processor, behaviour) => behaviours.set(processor, behaviour),
    failFor: (accountId, fail) => (fail ? failing.add(accountId) : failing.delete(accountId)),
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
