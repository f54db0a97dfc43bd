/**
 * The context object Lambda hands a handler: its name, a request id and, most
 * of all, the time left before the function's timeout, which the enforcement
 * handlers watch to hand work on before they are stopped.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export const lambdaContext = (
  name: string,
  timeoutMs: number,
  requestId: string = randomUUID(),
  startedAt: number = Date.now(),
): Context => {
  const deadline = startedAt + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `lethe-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:lethe-${name}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/lethe-${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};
