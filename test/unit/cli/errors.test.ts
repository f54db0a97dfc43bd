import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../cli/args.ts';
import { CliError, describeError } from '../../../cli/errors.ts';

const endpoints = {
  dynamodb: 'http://127.0.0.1:8100',
  sqsS3: 'http://127.0.0.1:4666',
  ses: 'http://127.0.0.1:8105',
  cognito: 'http://127.0.0.1:8106',
};

const refused = (port: number) =>
  Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`), { code: 'ECONNREFUSED', port });

const named = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('describeError', () => {
  it('points a usage mistake at the right help', () => {
    expect(describeError(new UsageError('no command given', ''))).toBe(
      "no command given (see 'lethe --help')",
    );
    expect(describeError(new UsageError('status needs an account id', 'status'))).toBe(
      "status needs an account id (see 'lethe status --help')",
    );
    expect(describeError(new UsageError('plain'))).toBe('plain');
  });

  it('says which stand-in is not answering, and which variable sets its port', () => {
    expect(describeError(refused(8100), endpoints)).toBe(
      'cannot reach DynamoDB Local at http://127.0.0.1:8100: is `npm start` running? If it uses other ports, set LETHE_DYNAMODB_PORT (and the others) as you did for it',
    );
    expect(describeError(refused(4666), endpoints)).toContain(
      'cannot reach the SQS and S3 stand-in at http://127.0.0.1:4666',
    );
    expect(describeError(refused(4666), endpoints)).toContain('LETHE_SQS_S3_PORT');
    expect(describeError(refused(8105), endpoints)).toContain(
      'cannot reach the SES stand-in at http://127.0.0.1:8105: is `npm start` running? If it uses other ports, set LETHE_SES_PORT',
    );
    expect(describeError(refused(8106), endpoints)).toContain(
      'cannot reach the Cognito stand-in at http://127.0.0.1:8106: is `npm start` running? If it uses other ports, set LETHE_COGNITO_PORT',
    );
  });

  it.each([
    [
      new CliError('stack LetheStateful not found in eu-west-1'),
      'stack LetheStateful not found in eu-west-1',
    ],
    [named('Error', 'Region is missing'), 'no AWS region: pass --region or set AWS_REGION'],
    [
      named('CredentialsProviderError', 'Could not load credentials from any providers'),
      'no AWS credentials: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or run `aws sso login` (Could not load credentials from any providers)',
    ],
    [
      named(
        'AccessDeniedException',
        'User: arn:aws:iam::1:user/x is not authorized to perform: dynamodb:GetItem\nmore',
      ),
      'access denied: User: arn:aws:iam::1:user/x is not authorized to perform: dynamodb:GetItem',
    ],
    [new Error('first line\nsecond line'), 'first line'],
    ['a string', 'a string'],
  ])('says %s in one line', (error, line) => {
    expect(describeError(error)).toBe(line);
  });

  it('names a missing table locally and in AWS', () => {
    const missing = named('ResourceNotFoundException', 'Cannot do operations on a non-existent table');

    expect(describeError(missing, endpoints)).toBe(
      'a table is missing in DynamoDB Local at http://127.0.0.1:8100 (Cannot do operations on a non-existent table): `npm start` creates them',
    );
    expect(describeError(missing)).toContain('is the stack deployed in this region?');
  });
});
