/**
 * SendMessage, and nothing else of SQS: what the one API function that
 * queues a job (request-export) needs. The SQS client would put ≈ 26 KB of
 * operations, schemas and error classes in a function a user waits on; the
 * wire protocol of one call is small, and everything that matters about it
 * is the SDK's own code, already in the bundle for DynamoDB: credentials
 * (the default chain), SigV4 signing, the HTTP handler, and the standard
 * retry strategy with the SDK's own error classification (three attempts;
 * throttling, transient and 5xx errors retried with jittered backoff). As
 * the SQS client does, it checks the MD5 SQS reports of the body it got.
 *
 * The request is what the SQS client sends (AWS JSON 1.0, `x-amzn-query-mode`),
 * to the regional endpoint, or AWS_ENDPOINT_URL_SQS when set (local mode).
 * The workers keep the full client: they are not waited on.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { partition } from '@aws-sdk/core/client';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import {
  isServerError,
  isThrottlingError,
  isTransientError,
  StandardRetryStrategy,
} from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, SdkError } from '@smithy/types';

export interface SqsSenderOptions {
  /** @default AWS_REGION */
  readonly region?: string;
  /** @default AWS_ENDPOINT_URL_SQS, else AWS_ENDPOINT_URL, else SQS's regional endpoint */
  readonly endpoint?: string;
  /** @default the SDK's default chain (in Lambda, the function's role from env) */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** @default 3, the SDK's */
  readonly maxAttempts?: number;
}

/** What the SDK's retry middleware calls each failure. */
const errorTypeOf = (error: SdkError) =>
  isThrottlingError(error)
    ? 'THROTTLING'
    : isTransientError(error)
      ? 'TRANSIENT'
      : isServerError(error)
        ? 'SERVER_ERROR'
        : 'CLIENT_ERROR';

const readBody = async (body: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
};

/** SQS's error as the SDK names it: `com.amazonaws.sqs#QueueDoesNotExist` → QueueDoesNotExist. */
const sqsError = (statusCode: number, text: string): SdkError => {
  let parsed: { __type?: string; message?: string; Message?: string } = {};
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  const name = parsed.__type?.split('#').pop() || (statusCode >= 500 ? 'ServiceUnavailable' : 'UnknownError');
  const error = new Error(parsed.message ?? parsed.Message ?? `SQS answered HTTP ${statusCode}`) as SdkError;
  error.name = name;
  Object.assign(error, {
    $fault: statusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: statusCode },
  });
  return error;
};

export class SqsSender {
  private readonly signer: SignatureV4;
  private readonly http = new NodeHttpHandler();
  private readonly retries: StandardRetryStrategy;
  private readonly endpoint: URL;

  constructor(options: SqsSenderOptions = {}) {
    const region = options.region ?? process.env.AWS_REGION ?? '';
    if (region === '') throw new Error('Missing environment variable AWS_REGION');
    const override = options.endpoint ?? (process.env.AWS_ENDPOINT_URL_SQS || process.env.AWS_ENDPOINT_URL);
    this.endpoint = new URL(override ?? `https://sqs.${region}.${partition(region).dnsSuffix}`);
    this.signer = new SignatureV4({
      credentials: options.credentials ?? defaultProvider(),
      region,
      service: 'sqs',
      sha256: Sha256,
    });
    this.retries = new StandardRetryStrategy(options.maxAttempts ?? 3);
  }

  /** Sends one message; throws the last error once the retries are spent. */
  async sendMessage(queueUrl: string, body: string): Promise<void> {
    const payload = JSON.stringify({ QueueUrl: queueUrl, MessageBody: body });
    let token = await this.retries.acquireInitialRetryToken('');
    for (;;) {
      try {
        await this.attempt(payload, body);
        this.retries.recordSuccess(token);
        return;
      } catch (caught) {
        const error = caught as SdkError;
        try {
          token = await this.retries.refreshRetryTokenForRetry(token, { errorType: errorTypeOf(error) });
        } catch {
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, token.getRetryDelay()));
      }
    }
  }

  private async attempt(payload: string, body: string): Promise<void> {
    const { protocol, hostname, port, pathname } = this.endpoint;
    const request = new HttpRequest({
      method: 'POST',
      protocol,
      hostname,
      ...(port !== '' && { port: Number(port) }),
      path: pathname,
      headers: {
        host: this.endpoint.host,
        'content-type': 'application/x-amz-json-1.0',
        'content-length': String(Buffer.byteLength(payload)),
        'x-amz-target': 'AmazonSQS.SendMessage',
        'x-amzn-query-mode': 'true',
      },
      body: payload,
    });
    const { response } = await this.http.handle((await this.signer.sign(request)) as HttpRequest);
    const text = await readBody(response.body as IncomingMessage);
    if (response.statusCode < 200 || response.statusCode >= 300) throw sqsError(response.statusCode, text);
    const { MD5OfMessageBody } = JSON.parse(text) as { MD5OfMessageBody?: string };
    if (MD5OfMessageBody !== createHash('md5').update(body, 'utf8').digest('hex')) {
      throw new Error('InvalidChecksumError');
    }
  }
}
