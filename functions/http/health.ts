/** Readiness: answers without touching any store, so it is cheap to poll. */
export const handler = async () => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  body: JSON.stringify({ status: 'ok' }),
});
