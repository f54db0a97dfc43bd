/** Turns whatever went wrong into the one line an operator reads on stderr. */
import { UsageError } from './args.ts';

/** A problem the operator can act on; its message is the whole story. */
export class CliError extends Error {
  override name = 'CliError';
}

/** Where the CLI is pointed, for naming what could not be reached. */
export interface Endpoints {
  readonly dynamodb: string;
  readonly sqsS3: string;
  readonly ses: string;
  /** The Cognito stand-in (cognito-local). */
  readonly cognito?: string;
}

const portOf = (url: string) => new URL(url).port;

const unreachable = (error: { port?: unknown; message: string }, endpoints: Endpoints | undefined) => {
  if (!endpoints) return `cannot reach AWS: ${error.message}`;
  const port = String(error.port ?? /:(\d+)\s*$/.exec(error.message)?.[1] ?? '');
  const [service, url, variable] =
    port === portOf(endpoints.sqsS3)
      ? ['the SQS and S3 stand-in', endpoints.sqsS3, 'LETHE_SQS_S3_PORT']
      : port === portOf(endpoints.ses)
        ? ['the SES stand-in', endpoints.ses, 'LETHE_SES_PORT']
        : endpoints.cognito !== undefined && port === portOf(endpoints.cognito)
          ? ['the Cognito stand-in', endpoints.cognito, 'LETHE_COGNITO_PORT']
          : ['DynamoDB Local', endpoints.dynamodb, 'LETHE_DYNAMODB_PORT'];
  return `cannot reach ${service} at ${url}: is \`npm start\` running? If it uses other ports, set ${variable} (and the others) as you did for it`;
};

/** The first line of a message: SDK messages sometimes run on. */
const firstLine = (text: string) => text.split('\n')[0]?.trim() ?? text;

export const describeError = (error: unknown, endpoints?: Endpoints): string => {
  if (error instanceof UsageError) {
    if (error.helpFor === undefined) return error.message;
    return `${error.message} (see 'lethe ${error.helpFor === '' ? '' : `${error.helpFor} `}--help')`;
  }
  if (!(error instanceof Error)) return String(error);
  if (error instanceof CliError) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  const name = error.name;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH') {
    return unreachable(error as { port?: unknown; message: string }, endpoints);
  }
  if (name === 'ResourceNotFoundException') {
    return endpoints
      ? `a table is missing in DynamoDB Local at ${endpoints.dynamodb} (${firstLine(error.message)}): \`npm start\` creates them`
      : `a table is missing (${firstLine(error.message)}): is the stack deployed in this region?`;
  }
  if (name === 'CredentialsProviderError') {
    return `no AWS credentials: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or run \`aws sso login\` (${firstLine(error.message)})`;
  }
  if (/Region is missing/i.test(error.message)) {
    return 'no AWS region: pass --region or set AWS_REGION';
  }
  if (/AccessDenied|UnauthorizedOperation|not authorized/i.test(`${name} ${error.message}`)) {
    return `access denied: ${firstLine(error.message)}`;
  }
  if (/ExpiredToken/i.test(name)) return `your AWS session has expired: ${firstLine(error.message)}`;
  return firstLine(error.message) || name;
};
