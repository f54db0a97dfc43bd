/** An account id: 1–128 of letters, digits and `._:|@+-` (UUIDs, `auth0|…`, numeric ids). */
export const ACCOUNT_ID_PATTERN = /^[A-Za-z0-9._:|@+-]{1,128}$/;

export const isAccountId = (value: unknown): value is string =>
  typeof value === 'string' && ACCOUNT_ID_PATTERN.test(value);
