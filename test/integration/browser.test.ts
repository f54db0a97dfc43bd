/**
 * The restore link in a real browser (Debian's Chromium, driven by
 * playwright-core): open a deactivation email's HTML, follow its link, see
 * that the page alone restored nothing, press the button, see the account
 * ACTIVE. Saves a screenshot of each email kind and of both pages under
 * test-results/ (git-ignored).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { noticeKey } from '../../functions/core/notices.ts';
import { subjectOf } from '../../functions/core/subject.ts';
import { renderNotice } from '../../functions/notices/render.ts';
import { config } from '../../lethe.config.ts';
import { lambdaContext, sqsEvent } from '../support/events.ts';
import { berlin, call, newAccount, readRecord, tokenFor } from './support.ts';

const CHROMIUM = process.env.LETHE_CHROMIUM ?? '/usr/bin/chromium';
const OUT = 'test-results';
const environment = inject('handlerEnvironment');
Object.assign(process.env, environment);
const { handler } = await import('../../functions/workers/notice-sender.ts');

const sendNoticeNow = (key: string) =>
  handler(sqsEvent([JSON.stringify({ noticeKey: key })], 'lethe-notices'), lambdaContext as never);

/** Deactivates the account through the API and sends its deactivation notice now: the mail as sent. */
const deactivateAndMail = async (accountId: string) => {
  const { json } = await call(`/v1/accounts/${accountId}/deactivate`, {
    method: 'POST',
    token: await tokenFor(accountId),
  });
  await sendNoticeNow(
    noticeKey(subjectOf(environment.LETHE_SUBJECT_KEY ?? '', accountId), json.deactivatedAt, 'deactivated'),
  );
  const outbox = (await (await fetch(`${environment.AWS_ENDPOINT_URL_SESV2}/store`)).json()) as {
    emails: { destination: { to: string[] }; body: { html: string } }[];
  };
  return { json, mail: outbox.emails.find((m) => m.destination.to.includes(`${accountId}@example.com`)) };
};

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does), or set LETHE_CHROMIUM`,
    );
  }
  mkdirSync(OUT, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
});

afterAll(async () => {
  await browser?.close();
});

describe('the restore link in a browser', () => {
  it('follows the email link, restores nothing on GET, restores on the button', async () => {
    // Arrange: a deactivated account whose deactivation notice went to the SES stand-in
    const accountId = await newAccount('browser', {
      name: 'Ada',
      locale: 'en-GB',
      timeZone: 'Europe/London',
    });
    const { mail } = await deactivateAndMail(accountId);
    expect(mail).toBeDefined();
    const page = await browser.newPage({ viewport: { width: 720, height: 900 } });

    // Act: open the email and follow its link
    await page.setContent(mail?.body.html ?? '');
    await page.screenshot({ path: `${OUT}/email-deactivated.png`, fullPage: true });
    // The button opens in a new tab, as email buttons do (target="_blank").
    const [linkPage] = await Promise.all([
      page.waitForEvent('popup'),
      page.click('a[href*="/restore?token="]'),
    ]);
    await linkPage.waitForLoadState('load');
    await linkPage.screenshot({ path: `${OUT}/restore-page.png`, fullPage: true });

    // Assert: the page shows the state and one button, and restored nothing
    expect(linkPage.url()).toMatch(/\/restore\?token=/);
    expect(await linkPage.locator('h1').textContent()).toBe('Restore your account');
    expect(await linkPage.locator('button').count()).toBe(1);
    expect((await readRecord(accountId))?.status).toBe('DEACTIVATED');

    // Act: press the button
    await linkPage.click('button');
    await linkPage.waitForSelector('h1:has-text("restored")');
    await linkPage.screenshot({ path: `${OUT}/restore-result.png`, fullPage: true });

    // Assert
    expect(await linkPage.locator('h1').textContent()).toBe('Your account is restored');
    expect((await readRecord(accountId))?.status).toBe('ACTIVE');
    const view = await call(`/v1/accounts/${accountId}`, { token: await tokenFor(accountId) });
    expect(view.json.status).toBe('ACTIVE');
    await page.close();
    await linkPage.close();
  }, 60_000);

  it("opens a German account's email link in German, with Berlin times, through restore and reuse", async () => {
    // Arrange: a German account deactivated, its German email in the SES stand-in
    const accountId = await newAccount('browser-de', {
      locale: 'de-DE',
      timeZone: 'Europe/Berlin',
      name: 'Jana',
    });
    const { json, mail } = await deactivateAndMail(accountId);
    const berlinTime = berlin(json.purgeAfter);
    expect(mail?.body.html).toContain(berlinTime);
    const page = await browser.newPage({ viewport: { width: 720, height: 900 }, locale: 'en-US' });
    await page.setContent(mail?.body.html ?? '');
    await page.screenshot({ path: `${OUT}/email-deactivated-de.png`, fullPage: true });

    // Act: follow the link (the browser itself asks for English: the profile decides)
    const [linkPage] = await Promise.all([
      page.waitForEvent('popup'),
      page.click('a[href*="/restore?token="]'),
    ]);
    await linkPage.waitForLoadState('load');
    await linkPage.screenshot({ path: `${OUT}/restore-page-de.png`, fullPage: true });
    const linkUrl = linkPage.url();

    // Assert: German, with the same Berlin time the email said
    expect(await linkPage.getAttribute('html', 'lang')).toBe('de-DE');
    expect(await linkPage.locator('h1').textContent()).toBe('Konto wiederherstellen');
    expect(await linkPage.textContent('main')).toContain(berlinTime);
    expect(await linkPage.locator('button').textContent()).toBe('Mein Konto wiederherstellen');
    expect((await readRecord(accountId))?.status).toBe('DEACTIVATED');

    // Act: restore, then open the same link again
    await linkPage.click('button');
    await linkPage.waitForSelector('h1:has-text("wiederhergestellt")');
    await linkPage.screenshot({ path: `${OUT}/restore-result-de.png`, fullPage: true });
    const restoredTitle = await linkPage.locator('h1').textContent();
    const used = await linkPage.goto(linkUrl);
    await linkPage.screenshot({ path: `${OUT}/restore-used-de.png`, fullPage: true });

    // Assert: the restored page and the used link's page are German too
    expect(restoredTitle).toBe('Ihr Konto ist wiederhergestellt');
    expect((await readRecord(accountId))?.status).toBe('ACTIVE');
    expect(used?.status()).toBe(410);
    expect(await linkPage.locator('h1').textContent()).toBe('Dieser Link funktioniert nicht mehr');
    expect(await linkPage.textContent('main')).toContain('bereits verwendet');
    await page.close();
    await linkPage.close();
  }, 60_000);

  it('renders the reminder and the deletion receipt (screenshots)', async () => {
    // Arrange
    const branding = { productName: config.productName, supportUrl: config.notices.supportUrl };
    const common = {
      locale: 'de-DE',
      timeZone: 'Europe/Berlin',
      name: 'Jana',
      deactivatedAt: '2026-11-24T10:00:00.000Z',
      purgeAfter: '2026-12-24T10:00:00.000Z',
    };
    const page = await browser.newPage({ viewport: { width: 720, height: 900 } });
    // Act
    for (const notice of [
      renderNotice(
        { ...common, kind: 'reminder', restoreUrl: 'http://127.0.0.1/restore?token=example' },
        branding,
      ),
      renderNotice(
        {
          ...common,
          kind: 'purged',
          purgedAt: '2026-12-24T10:05:00.000Z',
          backupsGoneBy: '2027-01-28T10:05:00.000Z',
          dataKinds: config.dataMap.stores.map((s) => s.name),
        },
        { ...branding, stores: config.dataMap.stores },
      ),
    ]) {
      await page.setContent(notice.html);
      const kind = notice.subject.startsWith('Erinnerung') ? 'reminder' : 'purged';
      await page.screenshot({ path: `${OUT}/email-${kind}-de.png`, fullPage: true });
      // Assert: the heading shows, in German
      expect(await page.textContent('body')).toContain(
        kind === 'reminder' ? '24. Dezember 2026' : 'gelöscht',
      );
    }
    await page.close();
  }, 60_000);
});
