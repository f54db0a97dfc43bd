/**
 * Local tokens, checked by the rules the API Gateway JWT authorizer applies
 * in AWS: RS256 signature, issuer, audience, expiry. The key pair is made on
 * first use and kept in `.lethe/` (git-ignored), so `npm run token` and
 * `npm start` agree without a secret in the repository.
 */
import { join } from 'node:path';
import {
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import { defaultKeyDir, readOrCreate } from './dev-keys.ts';

export const LOCAL_ISSUER = 'https://lethe.local/';
export const LOCAL_AUDIENCE = 'lethe-api';
const ALG = 'RS256';

export const jwtKeyFile = (keyDir = defaultKeyDir()) => join(keyDir, 'dev-jwt-key.json');

interface KeyFile {
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

const loadOrCreate = async (file: string): Promise<KeyFile> =>
  JSON.parse(
    await readOrCreate(file, async () => {
      const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
      return JSON.stringify({
        privateJwk: await exportJWK(privateKey),
        publicJwk: await exportJWK(publicKey),
      });
    }),
  ) as KeyFile;

export interface TokenOptions {
  readonly admin?: boolean;
  /** Seconds until expiry; negative gives an already expired token. */
  readonly expiresInSeconds?: number;
}

export const signLocalToken = async (
  accountId: string,
  options: TokenOptions = {},
  keyFile = jwtKeyFile(),
): Promise<string> => {
  const { privateJwk } = await loadOrCreate(keyFile);
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = options.expiresInSeconds ?? 3600;
  return new SignJWT({ scope: options.admin ? 'openid lethe/admin' : 'openid' })
    .setProtectedHeader({ alg: ALG, typ: 'JWT' })
    .setSubject(accountId)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt(Math.min(now, now + expiresIn - 1))
    .setExpirationTime(now + expiresIn)
    .sign(await importJWK(privateJwk, ALG));
};

/**
 * The authorizer's verdict: the claims of a valid token, or why it refused
 * (what API Gateway puts in `www-authenticate`; undefined when no token came).
 */
export type Verdict =
  | { readonly claims: JWTPayload }
  | { readonly refused: true; readonly reason: string | undefined };

export type Verifier = (authorization: string | undefined) => Promise<Verdict>;

/** The `error_description` API Gateway gives for each failed check. */
const reasonFor = (error: unknown): string => {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'the token does not have a valid audience';
    if (error.claim === 'iss') return 'the token does not have a valid issuer';
    if (error.claim === 'nbf') return 'the token is not valid yet';
    return `the token has an invalid ${error.claim} claim`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature verification failed';
  return 'the token could not be parsed';
};

export const createVerifier = async (keyFile = jwtKeyFile()): Promise<Verifier> => {
  const key = await importJWK((await loadOrCreate(keyFile)).publicJwk, ALG);
  return async (authorization) => {
    // Like the AWS authorizer, accept the token with or without the Bearer prefix.
    const token = authorization?.replace(/^Bearer\s+/i, '').trim();
    if (!token) return { refused: true, reason: undefined };
    try {
      const { payload } = await jwtVerify(token, key, {
        issuer: LOCAL_ISSUER,
        audience: LOCAL_AUDIENCE,
        algorithms: [ALG],
      });
      return { claims: payload };
    } catch (error) {
      return { refused: true, reason: reasonFor(error) };
    }
  };
};
