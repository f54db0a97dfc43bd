/**
 * Presigned GETs of export archives. The URL is signed with the function's
 * own credentials: it works until `expiresIn` or until those credentials
 * expire, whichever is first (see README, "Data export").
 *
 * Signed with the SDK's S3 presigner on a request built here, rather than
 * with `getSignedUrl` on an S3 client: the link is the same (a unit test
 * compares the two), but the S3 client is ≈ 170 KB of a function that never
 * calls S3. What the client would add is built here the way its endpoint
 * rules build it: virtual-hosted style (`<bucket>.s3.<region>.<dns suffix>`,
 * or `<bucket>.<host>` under an AWS_ENDPOINT_URL_S3 override), path style
 * for an IP address or a bucket name that cannot be a host name, and the
 * same `x-id` and checksum-mode parameters.
 */
import { isIpAddress, isVirtualHostableS3Bucket, partition } from '@aws-sdk/core/client';
import { formatUrl } from '@aws-sdk/core/util';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { DownloadLinks } from '../export/ports.ts';

export interface S3LinkOptions {
  /** @default AWS_REGION */
  readonly region?: string;
  /** An S3 endpoint other than AWS's. @default AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL */
  readonly endpoint?: string;
  /** @default the SDK's default chain (in Lambda, the function's role from env) */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** The time the link is signed at. @default now */
  readonly now?: () => Date;
}

/** S3 keys keep their slashes; each segment is escaped as the SDK escapes a `{Key+}` label. */
const escapeKey = (key: string): string =>
  key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join('/');

export class S3DownloadLinks implements DownloadLinks {
  private readonly presigner: S3RequestPresigner;
  private readonly region: string;
  private readonly endpoint: URL;
  private readonly now: () => Date;

  constructor(
    private readonly bucket: string,
    options: S3LinkOptions = {},
  ) {
    this.region = options.region ?? process.env.AWS_REGION ?? '';
    if (this.region === '') throw new Error('Missing environment variable AWS_REGION');
    const override = options.endpoint ?? (process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL);
    this.endpoint = new URL(override ?? `https://s3.${this.region}.${partition(this.region).dnsSuffix}`);
    this.now = options.now ?? (() => new Date());
    this.presigner = new S3RequestPresigner({
      credentials: options.credentials ?? defaultProvider(),
      region: this.region,
      sha256: Sha256,
    });
  }

  async link(objectKey: string, expiresInSeconds: number): Promise<string> {
    const fileName = objectKey.split('/').pop() ?? 'export.zip';
    const { protocol, hostname, port } = this.endpoint;
    const base = this.endpoint.pathname.replace(/\/$/, '');
    const virtualHosted = !isIpAddress(hostname) && isVirtualHostableS3Bucket(this.bucket, false);
    const request = new HttpRequest({
      method: 'GET',
      protocol,
      hostname: virtualHosted ? `${this.bucket}.${hostname}` : hostname,
      ...(port !== '' && { port: Number(port) }),
      path: `${base}${virtualHosted ? '' : `/${this.bucket}`}/${escapeKey(objectKey)}`,
      query: {
        'response-content-disposition': `attachment; filename="${fileName}"`,
        'response-content-type': 'application/zip',
        'x-id': 'GetObject',
        // What the S3 client adds to every GetObject since it validates checksums by default.
        'x-amz-checksum-mode': 'ENABLED',
      },
      headers: {},
    });
    const presigned = await this.presigner.presign(request, {
      expiresIn: expiresInSeconds,
      signingDate: this.now(),
    });
    return formatUrl(presigned);
  }
}
