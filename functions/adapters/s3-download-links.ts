/**
 * Presigned GETs of export archives. The URL is signed with the function's
 * own credentials: it works until `expiresIn` or until those credentials
 * expire, whichever is first (see README, "Data export").
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { DownloadLinks } from '../export/ports.ts';

export class S3DownloadLinks implements DownloadLinks {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  link(objectKey: string, expiresInSeconds: number): Promise<string> {
    const fileName = objectKey.split('/').pop() ?? 'export.zip';
    return getSignedUrl(
      this.client,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: objectKey,
        ResponseContentDisposition: `attachment; filename="${fileName}"`,
        ResponseContentType: 'application/zip',
      }),
      { expiresIn: expiresInSeconds },
    );
  }
}
