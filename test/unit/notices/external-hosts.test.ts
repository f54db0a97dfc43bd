/**
 * A privacy notice that phones no one: every notice kind and every restore
 * page, in every language, references no host but the restore link's and the
 * support link's. Opening an email or a page must not tell a third party
 * (a web-font service, a tracking pixel) that it was opened.
 */
import { describe, expect, it } from 'vitest';
import { MESSAGES, NOTICE_KINDS, PAGE_KINDS } from '../../../functions/core/messages.ts';
import { readerOf } from '../../../functions/core/reader.ts';
import { restoreFlowPage } from '../../../functions/http/html.ts';
import { renderNotice } from '../../../functions/notices/render.ts';
import { LAYOUTS } from '../../../functions/notices/templates/layouts.generated.ts';
import { config } from '../../../lethe.config.ts';

const RESTORE = 'https://restore.example.org/restore?token=v1.abc.def';
const SUPPORT = 'https://help.example.net/support';
const ALLOWED = new Set(['restore.example.org', 'help.example.net']);

/** Every URL a mail client or browser could fetch or follow: src, href, @import and url(...). */
const referencedUrls = (html: string): string[] =>
  [
    ...html.matchAll(/\b(?:src|href|srcset|background|action)\s*=\s*["']?([^"'\s>]+)/gi),
    ...html.matchAll(/@import\s+(?:url\()?\s*["']?([^"')\s;]+)/gi),
    ...html.matchAll(/url\(\s*["']?([^"')\s]+)/gi),
  ].map((m) => (m[1] ?? '').replace(/&amp;/g, '&'));

/** The hosts among them that are neither the restore link's nor the support link's. */
const foreignHosts = (html: string): string[] => [
  ...new Set(
    referencedUrls(html)
      .filter((url) => /^(https?:)?\/\//i.test(url))
      .map((url) => new URL(url.startsWith('//') ? `https:${url}` : url).hostname)
      .filter((host) => !ALLOWED.has(host)),
  ),
];

const languages = Object.keys(MESSAGES);
const branding = { productName: 'Lethe Demo', supportUrl: SUPPORT, stores: config.dataMap.stores };

describe('no host but the restore and support links', () => {
  for (const language of languages) {
    for (const kind of NOTICE_KINDS) {
      it(`in the ${kind} notice (${language})`, () => {
        // Arrange / Act
        const notice = renderNotice(
          {
            kind,
            locale: language,
            timeZone: 'Europe/Berlin',
            deactivatedAt: '2026-11-24T10:00:00.000Z',
            purgeAfter: '2026-12-24T10:00:00.000Z',
            ...(kind === 'purged'
              ? { purgedAt: '2026-12-24T10:05:00.000Z', dataKinds: ['profiles', 'uploads'] }
              : kind === 'resumed'
                ? { resumeAt: '2027-01-01T10:00:00.000Z' }
                : { restoreUrl: RESTORE }),
          },
          branding,
        );
        // Assert: the links it must have are there, and nothing else
        expect(referencedUrls(notice.html)).toContain(SUPPORT);
        if (kind === 'deactivated' || kind === 'reminder')
          expect(referencedUrls(notice.html)).toContain(RESTORE);
        expect(foreignHosts(notice.html)).toEqual([]);
        expect(foreignHosts(notice.text)).toEqual([]);
      });
    }
    it(`in the deactivated notice to an account under a legal hold (${language})`, () => {
      // Arrange / Act
      const notice = renderNotice(
        {
          kind: 'deactivated',
          locale: language,
          deactivatedAt: '2026-11-24T10:00:00.000Z',
          purgeAfter: '2026-12-24T10:00:00.000Z',
          restoreUrl: RESTORE,
          held: true,
        },
        branding,
      );
      // Assert
      expect(referencedUrls(notice.html)).toEqual(expect.arrayContaining([SUPPORT, RESTORE]));
      expect(foreignHosts(notice.html)).toEqual([]);
      expect(foreignHosts(notice.text)).toEqual([]);
    });
    for (const kind of PAGE_KINDS) {
      it(`on the ${kind} page (${language})`, () => {
        // Arrange / Act
        const page = restoreFlowPage(200, kind, readerOf(language, 'Europe/Berlin'), branding, {
          purgeAfter: '2026-12-24T10:00:00.000Z',
          token: 'v1.abc.def',
        });
        const body = String(typeof page === 'object' && page.body);
        // Assert: a page references nothing absolute at all (its form posts to itself)
        expect(referencedUrls(body).filter((url) => /^(https?:)?\/\//i.test(url))).toEqual([]);
        expect(foreignHosts(body)).toEqual([]);
      });
    }
  }

  it('in the compiled layouts themselves (no web font, no image, no tracker)', () => {
    // Arrange / Act / Assert
    for (const layout of Object.values(LAYOUTS)) expect(foreignHosts(layout)).toEqual([]);
  });

  it('fails if a font link comes back (the markup MJML adds for Roboto)', () => {
    // Arrange: what the layouts carried before `fonts: {}`
    const withFont = `${LAYOUTS.plain}<link href="https://fonts.googleapis.com/css?family=Roboto:300,400,500,700" rel="stylesheet" type="text/css"><style type="text/css">@import url(https://fonts.googleapis.com/css?family=Roboto:300,400,500,700);</style><div style="background:url('//cdn.example.com/x.png')"></div>`;
    // Act / Assert
    expect(foreignHosts(withFont)).toEqual(['fonts.googleapis.com', 'cdn.example.com']);
  });
});
