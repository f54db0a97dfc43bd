/**
 * X-Ray traces of the workers' AWS SDK calls (Powertools Tracer): each
 * DynamoDB, SQS, S3 and SES call a subsegment, so a slow purge shows which
 * store it waits on. Only the workers import this: the HTTP functions keep
 * Lambda's own active tracing (one segment per invocation) and skip the
 * X-Ray SDK's init cost (docs/monitoring.md, "Traces"). Outside Lambda
 * (local mode, tests) the Tracer is off and clients are returned untouched.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';

export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'lethe' });

/** The same client, its calls traced. */
export const traced = <T>(client: T): T => tracer.captureAWSv3Client(client);
