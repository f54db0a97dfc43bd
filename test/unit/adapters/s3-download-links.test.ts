/**
 * The export download link against what the S3 client's `getSignedUrl`
 * makes for the same object, at the same instant, with the same
 * credentials: the same URL, character for character, wherever the bucket
 * is (AWS's regions and partitions, an endpoint override by name or by IP).
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import { S3DownloadLinks } from '../../../functions/adapters/s3-download-links.ts';

const NOW = new Date('2027-01-02T12:34:56.000Z');
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session-token' };

/** The old adapter: an S3 client and getSignedUrl. */
const sdkLink = (bucket: string, key: string, expiresIn: number, region: string, endpoint?: string) => {
  const fileName = key.split('/').pop() ?? 'export.zip';
  return getSignedUrl(
    new S3Client({ region, credentials, ...(endpoint && { endpoint }) }),
    new GetObjectCommand({
      Bucket: bucket,
      Key: key,
      ResponseContentDisposition: `attachment; filename="${fileName}"`,
      ResponseContentType: 'application/zip',
    }),
    { expiresIn, signingDate: NOW },
  );
};

describe('S3DownloadLinks', () => {
  it.each([
    ['eu-west-1', undefined],
    ['us-east-1', undefined],
    ['cn-north-1', undefined],
    ['us-gov-west-1', undefined],
    ['eu-west-1', 'http://127.0.0.1:4569'],
    ['eu-west-1', 'http://localhost:4569'],
    ['eu-west-1', 'https://s3.internal.example/base'],
  ])('signs in %s (endpoint %s) exactly as getSignedUrl did', async (region, endpoint) => {
    // Arrange
    const bucket = 'shop-lethe-exports-123456789012-eu-west-1';
    const key = 'exports/acct-1:a|b@c+d/01JABCDEF (1)!.zip';
    const links = new S3DownloadLinks(bucket, { region, endpoint, credentials, now: () => NOW });
    // Act
    const link = await links.link(key, 86_400);
    // Assert
    expect(link).toBe(await sdkLink(bucket, key, 86_400, region, endpoint));
  });

  it('uses path style for a bucket name that cannot be a host name, as the client does', async () => {
    const bucket = 'Not_A_Host.Name';
    const links = new S3DownloadLinks(bucket, { region: 'eu-west-1', credentials, now: () => NOW });
    expect(await links.link('exports/a/b.zip', 60)).toBe(
      await sdkLink(bucket, 'exports/a/b.zip', 60, 'eu-west-1'),
    );
  });
});
