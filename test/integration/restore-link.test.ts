/**
 * The restore link over HTTP against the stand-ins: the page never restores,
 * the form does, and a tampered, expired or used link gets a clear page.
 */

import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { profileStore } from '../../functions/core/data-map.ts';
import { restoreKeyFrom, signRestoreToken } from '../../functions/core/restore-token.ts';
import { config } from '../../lethe.config.ts';
import { berlin, call, doc, newAccount, putRecord, readRecord, tokenFor } from './support.ts';

const key = restoreKeyFrom(inject('handlerEnvironment').LETHE_SUBJECT_KEY ?? '');

const deactivated = async (profile?: Parameters<typeof newAccount>[1]) => {
  const accountId = await newAccount('link', profile);
  const { json } = await call(`/v1/accounts/${accountId}/deactivate`, {
    method: 'POST',
    token: await tokenFor(accountId),
  });
  const token = signRestoreToken(key, {
    accountId,
    deactivatedAt: json.deactivatedAt,
    expiresAt: json.purgeAfter,
  });
  return { accountId, token };
};

const post = (token: string, headers: Record<string, string> = {}) =>
  call('/restore', {
    method: 'POST',
    body: new URLSearchParams({ token }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });

const expectSecurityHeaders = (headers: Headers) => {
  expect(headers.get('content-type')).toMatch(/^text\/html/);
  expect(headers.get('content-security-policy')).toContain("default-src 'none'");
  expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('cache-control')).toBe('no-store');
};

describe('the restore link', () => {
  it('GET shows the page with one button and restores nothing, however often it is fetched', async () => {
    // Arrange
    const { accountId, token } = await deactivated();
    // Act
    const first = await call(`/restore?token=${encodeURIComponent(token)}`);
    await call(`/restore?token=${encodeURIComponent(token)}`);
    // Assert
    expect(first.status).toBe(200);
    expectSecurityHeaders(first.headers);
    expect(first.text).toContain('<html lang="en-GB">');
    expect(first.text.match(/<button/g)).toHaveLength(1);
    expect(first.text).toContain('name="token"');
    expect((await readRecord(accountId))?.status).toBe('DEACTIVATED');
  });

  it('POST restores the account, and the same link is then used (410)', async () => {
    // Arrange
    const { accountId, token } = await deactivated();
    // Act
    const restored = await post(token);
    const again = await post(token);
    // Assert
    expect(restored.status).toBe(200);
    expectSecurityHeaders(restored.headers);
    expect(restored.text).toContain('restored');
    expect((await readRecord(accountId))?.status).toBe('ACTIVE');
    expect(again.status).toBe(410);
    expect(again.text).toContain('used');
  });

  it('refuses a tampered link with a page (400) and changes nothing', async () => {
    // Arrange
    const { accountId, token } = await deactivated();
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    // Act
    const page = await call(`/restore?token=${encodeURIComponent(tampered)}`);
    const form = await post(tampered);
    // Assert
    expect(page.status).toBe(400);
    expect(form.status).toBe(400);
    expectSecurityHeaders(form.headers);
    expect(form.text).toContain('not valid');
    expect(form.text).not.toMatch(/at .*\.ts|Error:/);
    expect((await readRecord(accountId))?.status).toBe('DEACTIVATED');
  });

  it('refuses an expired link (410)', async () => {
    // Arrange: a deactivation whose grace period is over but not yet swept.
    const { accountId } = await deactivated();
    const record = await readRecord(accountId);
    const past = '2020-01-01T00:00:00.000Z';
    await putRecord({ ...record, purgeAfter: past });
    const token = signRestoreToken(key, { accountId, deactivatedAt: record?.deactivatedAt, expiresAt: past });
    // Act
    const form = await post(token);
    // Assert
    expect(form.status).toBe(410);
    expect(form.text).toContain('expired');
    expect((await readRecord(accountId))?.status).toBe('DEACTIVATED');
  });

  it('refuses a link from an earlier deactivation', async () => {
    // Arrange: restored through the API, then deactivated again.
    const { accountId, token } = await deactivated();
    const bearer = await tokenFor(accountId);
    await call(`/v1/accounts/${accountId}/restore`, { method: 'POST', token: bearer });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await call(`/v1/accounts/${accountId}/deactivate`, { method: 'POST', token: bearer });
    // Act
    const form = await post(token);
    // Assert
    expect(form.status).toBe(410);
    expect(form.text).toContain('earlier deactivation');
    expect((await readRecord(accountId))?.status).toBe('DEACTIVATED');
  });

  it('answers a missing token and a JSON post with a page, not a stack trace', async () => {
    // Arrange / Act
    const missing = await call('/restore');
    const json = await call('/restore', { method: 'POST', body: '{"token":"x"}' });
    // Assert
    expect(missing.status).toBe(400);
    expect(json.status).toBe(415);
    expectSecurityHeaders(json.headers);
  });
});

describe("the restore link in the reader's language", () => {
  const german = { locale: 'de-DE', timeZone: 'Europe/Berlin', name: 'Jana' };

  it('shows a German account its page in German, with the date in Berlin time', async () => {
    // Arrange
    const { accountId, token } = await deactivated(german);
    const purgeAfter = String((await readRecord(accountId))?.purgeAfter);
    // Act: the browser asks for English; the profile's locale wins
    const page = await call(`/restore?token=${encodeURIComponent(token)}`, {
      headers: { 'accept-language': 'en-US,en;q=0.9' },
    });
    // Assert
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="de-DE">');
    expect(page.text).toContain('<h1>Konto wiederherstellen</h1>');
    expect(page.text).toContain(berlin(purgeAfter));
    expect(page.text).toContain('Ihre hochgeladenen Dateien');
    expect(page.text).toContain('Mein Konto wiederherstellen');
  });

  it('restores in German, and the used link says so in German (410)', async () => {
    // Arrange
    const { accountId, token } = await deactivated(german);
    // Act
    const restored = await post(token);
    const again = await post(token);
    // Assert
    expect(restored.status).toBe(200);
    expect(restored.text).toContain('<h1>Ihr Konto ist wiederhergestellt</h1>');
    expect(again.status).toBe(410);
    expect(again.text).toContain('bereits verwendet');
    expect((await readRecord(accountId))?.status).toBe('ACTIVE');
  });

  it("says an expired link and an earlier deactivation's link are over, in German", async () => {
    // Arrange
    const { accountId } = await deactivated(german);
    const record = await readRecord(accountId);
    const past = '2020-01-01T00:00:00.000Z';
    const expired = signRestoreToken(key, {
      accountId,
      deactivatedAt: record?.deactivatedAt,
      expiresAt: past,
    });
    const earlier = signRestoreToken(key, {
      accountId,
      deactivatedAt: '2026-01-01T00:00:00.000Z',
      expiresAt: String(record?.purgeAfter),
    });
    // Act
    const expiredPage = await call(`/restore?token=${encodeURIComponent(expired)}`);
    const earlierPage = await post(earlier);
    // Assert
    expect(expiredPage.status).toBe(410);
    expect(expiredPage.text).toContain('abgelaufen');
    expect(earlierPage.status).toBe(410);
    expect(earlierPage.text).toContain('früheren Deaktivierung');
    expect((await readRecord(accountId))?.status).toBe('DEACTIVATED');
  });

  it("reads a tampered link's page in the browser's language, else English", async () => {
    // Arrange
    const { token } = await deactivated(german);
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    // Act
    const inGerman = await call(`/restore?token=${encodeURIComponent(tampered)}`, {
      headers: { 'accept-language': 'de-CH,de;q=0.9,en;q=0.5' },
    });
    const inFrench = await post(tampered, { 'accept-language': 'fr-FR' });
    // Assert
    expect(inGerman.status).toBe(400);
    expect(inGerman.text).toContain('<html lang="de-CH">');
    expect(inGerman.text).toContain('ungültig');
    expect(inFrench.status).toBe(400);
    expect(inFrench.text).toContain('<html lang="en-GB">');
    expect(inFrench.text).toContain('not valid');
  });

  it("shows a purged account's link in the browser's language (the profile is gone)", async () => {
    // Arrange: a German account purged (its profile deleted, its record a tombstone)
    const { accountId, token } = await deactivated(german);
    const store = profileStore(config.dataMap);
    await doc.send(
      new DeleteCommand({ TableName: store.table, Key: { [store.key.partitionKey]: accountId } }),
    );
    await putRecord({ ...(await readRecord(accountId)), status: 'PURGING' });
    // Act
    const inGerman = await call(`/restore?token=${encodeURIComponent(token)}`, {
      headers: { 'accept-language': 'de' },
    });
    const noHeader = await call(`/restore?token=${encodeURIComponent(token)}`);
    // Assert
    expect(inGerman.status).toBe(410);
    expect(inGerman.text).toContain('kann nicht mehr wiederhergestellt werden');
    expect(noHeader.text).toContain('can no longer be restored');
  });
});
