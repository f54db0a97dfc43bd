/**
 * A local HTTP endpoint that answers SQS SendMessage on the JSON protocol,
 * as SQS does (the MD5 of the body, a message id), and records each request.
 * It can be told to fail the next requests with an SQS error first.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SqsRequest {
  readonly headers: IncomingHttpHeaders;
  readonly body: { QueueUrl: string; MessageBody: string };
}

export interface SqsFailure {
  readonly status: number;
  readonly type: string;
  readonly message?: string;
}

export const startFakeSqs = async () => {
  const requests: SqsRequest[] = [];
  const failures: SqsFailure[] = [];
  let md5Override: string | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SqsRequest['body'];
      requests.push({ headers: req.headers, body });
      const failure = failures.shift();
      res.setHeader('content-type', 'application/x-amz-json-1.0');
      if (failure) {
        res.writeHead(failure.status);
        res.end(
          JSON.stringify({
            __type: `com.amazonaws.sqs#${failure.type}`,
            message: failure.message ?? failure.type,
          }),
        );
        return;
      }
      const md5 = md5Override ?? createHash('md5').update(body.MessageBody, 'utf8').digest('hex');
      res.writeHead(200);
      res.end(JSON.stringify({ MessageId: `m-${requests.length}`, MD5OfMessageBody: md5 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** The next requests fail with these, in order. */
    failNext: (...next: SqsFailure[]) => failures.push(...next),
    /** Answers with this MD5 instead of the body's. */
    answerMd5: (md5: string | undefined) => {
      md5Override = md5;
    },
    reset: () => {
      requests.length = 0;
      failures.length = 0;
      md5Override = undefined;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
