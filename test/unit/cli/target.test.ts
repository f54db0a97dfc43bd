import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError } from '../../../cli/errors.ts';
import { localResources, localTarget, outputsOf, requireOutput, stackNames } from '../../../cli/target.ts';

describe('local mode', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });

  it('names the tables and queues `npm start` creates, on its ports', () => {
    expect(localResources({ port: 3100, sqsS3Port: 4666 })).toEqual({
      accountsTable: 'lethe-accounts',
      auditTable: 'lethe-audit',
      outboxTable: 'lethe-outbox',
      purgeQueueUrl: 'http://127.0.0.1:4666/000000000000/lethe-purge',
      purgeDlqUrl: 'http://127.0.0.1:4666/000000000000/lethe-purge-dlq',
      noticeQueueUrl: 'http://127.0.0.1:4666/000000000000/lethe-notices',
      noticeDlqUrl: 'http://127.0.0.1:4666/000000000000/lethe-notices-dlq',
      exportQueueUrl: 'http://127.0.0.1:4666/000000000000/lethe-export',
      exportDlqUrl: 'http://127.0.0.1:4666/000000000000/lethe-export-dlq',
      apiUrl: 'http://127.0.0.1:3100',
    });
  });

  it('reads the stand-ins’ ports from the variables local mode reads', async () => {
    // Act
    const target = localTarget({
      LETHE_DYNAMODB_PORT: '8100',
      LETHE_SQS_S3_PORT: '4666',
      LETHE_SES_PORT: '8105',
    });

    // Assert
    expect(target.endpoints).toEqual({
      dynamodb: 'http://127.0.0.1:8100',
      sqsS3: 'http://127.0.0.1:4666',
      ses: 'http://127.0.0.1:8105',
      cognito: 'http://127.0.0.1:8006',
    });
    expect(await target.resource('purgeDlqUrl')).toBe('http://127.0.0.1:4666/000000000000/lethe-purge-dlq');
  });

  it('defaults to the ports local mode defaults to', () => {
    expect(localTarget({}).endpoints).toEqual({
      dynamodb: 'http://127.0.0.1:8000',
      sqsS3: 'http://127.0.0.1:4566',
      ses: 'http://127.0.0.1:8005',
      cognito: 'http://127.0.0.1:8006',
    });
  });

  it('refuses a bad port in local mode’s words', () => {
    expect(() => localTarget({ LETHE_SQS_S3_PORT: 'x' })).toThrow(
      new CliError('LETHE_SQS_S3_PORT=x is not a whole number from 1 to 65535'),
    );
  });

  it('reads the subject key local mode made, and never makes one', async () => {
    // Arrange
    const dir = await mkdtemp(join(tmpdir(), 'lethe-cli-'));
    dirs.push(dir);
    await writeFile(join(dir, 'dev-subject-key'), 'k3y');
    const missing = join(dir, 'nowhere');

    // Act
    const key = await localTarget({}, dir).subjectKey();
    const error = await localTarget({}, missing)
      .subjectKey()
      .catch((e: unknown) => e);

    // Assert
    expect(key).toBe('k3y');
    expect(error).toEqual(
      new CliError(
        `no local keys in ${missing}: run lethe in the directory where \`npm start\` runs (it keeps them in .lethe/)`,
      ),
    );
  });
});

describe('a deployed stack', () => {
  it('is two stacks named from the prefix', () => {
    expect(stackNames('Lethe')).toEqual(['LetheStateful', 'LetheStateless']);
  });

  it('finds each resource among both stacks’ outputs', () => {
    // Arrange
    const outputs = outputsOf([
      { Outputs: [{ OutputKey: 'AccountsTableName', OutputValue: 'LetheStateful-Accounts1' }] },
      { Outputs: [{ OutputKey: 'PurgeDlqUrl', OutputValue: 'https://sqs/dlq' }, { OutputKey: 'Empty' }] },
      {},
    ]);

    // Act and assert
    expect(requireOutput(outputs, 'accountsTable', stackNames('Lethe'))).toBe('LetheStateful-Accounts1');
    expect(requireOutput(outputs, 'purgeDlqUrl', stackNames('Lethe'))).toBe('https://sqs/dlq');
    expect(outputs.has('Empty')).toBe(false);
  });

  it('says which output is missing and how to get it', () => {
    expect(() => requireOutput(new Map(), 'subjectKeySecret', stackNames('Lethe'))).toThrow(
      'stacks LetheStateful and LetheStateless have no output SubjectKeySecretArn: deploy this version of Lethe (npx cdk deploy --all)',
    );
  });
});
