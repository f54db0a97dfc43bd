/** API Gateway HTTP API (v2) events, shaped as the JWT authorizer delivers them; SQS batches as Lambda gets them. */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, SQSEvent } from 'aws-lambda';

export interface EventInput {
  method?: string;
  path?: string;
  accountId?: string;
  claims?: Record<string, string> | undefined;
  body?: string;
  headers?: Record<string, string>;
}

export const apiEvent = (input: EventInput = {}): APIGatewayProxyEventV2WithJWTAuthorizer => {
  const method = input.method ?? 'GET';
  const path = input.path ?? `/v1/accounts/${input.accountId ?? 'u1'}`;
  const claims = 'claims' in input ? input.claims : { sub: input.accountId ?? 'u1', scope: 'openid' };
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...input.headers },
    pathParameters: input.accountId !== undefined ? { accountId: input.accountId } : { accountId: 'u1' },
    isBase64Encoded: false,
    ...(input.body !== undefined && { body: input.body }),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'req-1',
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '27/Nov/2026:10:00:00 +0000',
      timeEpoch: 1_795_000_000_000,
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: claims ?? {}, scopes: [] } },
    },
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
};

/** A Lambda context with just what the logger reads. */
export const lambdaContext = {
  functionName: 'lethe-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:lethe-test',
  memoryLimitInMB: '256',
  awsRequestId: 'aws-req-1',
  logGroupName: '/aws/lambda/lethe-test',
  logStreamName: 'stream',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

/** An SQS batch of these bodies, as an event source mapping hands it to a handler. */
export const sqsEvent = (bodies: readonly string[], queue = 'lethe-test'): SQSEvent => ({
  Records: bodies.map((body, i) => ({
    messageId: `m-${i}-${body.length}`,
    receiptHandle: 'r',
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queue}`,
    awsRegion: 'us-east-1',
  })),
});
