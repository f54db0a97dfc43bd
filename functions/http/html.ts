/**
 * The restore link's small HTML pages: accessible (a language, a main
 * landmark, a heading, one labelled button), no script, and strict security
 * headers. The only style is inline and allowed by its hash in the CSP.
 */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import type { StoreLabels } from '../core/data-map.ts';
import { escapeHtml } from '../core/escape-html.ts';
import { FALLBACK_LANGUAGE, PAGES, type PageKind } from '../core/messages.ts';
import { dataKinds, dateTime, type Reader } from '../core/reader.ts';

const STYLE =
  'body{font-family:system-ui,sans-serif;background:#f6f8fa;color:#1f2328;margin:0}' +
  'main{max-width:32rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:6px}' +
  'h1{font-size:1.5rem;margin-top:0}p{line-height:1.5}' +
  'button{font-size:1rem;font-weight:600;padding:.75rem 1.5rem;border:0;border-radius:6px;background:#1f6feb;color:#fff;cursor:pointer}' +
  'button:focus{outline:3px solid #0a3069;outline-offset:2px}';

const styleHash = createHash('sha256').update(STYLE).digest('base64');

export const SECURITY_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': `default-src 'none'; style-src 'sha256-${styleHash}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
} as const;

export interface Page {
  readonly title: string;
  readonly paragraphs: readonly string[];
  /** The one button: posts the token back to POST /restore. */
  readonly form?: { readonly token: string; readonly label: string };
}

export const htmlResponse = (
  statusCode: number,
  page: Page,
  productName: string,
  lang = 'en',
): APIGatewayProxyResultV2 => {
  const form = page.form
    ? `<form method="post" action="restore"><input type="hidden" name="token" value="${escapeHtml(page.form.token)}"><button type="submit">${escapeHtml(page.form.label)}</button></form>`
    : '';
  const body = `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(page.title)} · ${escapeHtml(productName)}</title><style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(page.title)}</h1>${page.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('')}${form}</main></body>
</html>`;
  return { statusCode, headers: { ...SECURITY_HEADERS }, body };
};

/** What every page of the restore flow says about the product and its data. */
export interface Site {
  readonly productName: string;
  readonly stores: readonly { readonly name: string; readonly labels?: StoreLabels }[];
}

/**
 * One page of the restore flow in the reader's language, with dates in their
 * locale and time zone: the words come from the notices' source
 * (functions/core/messages.ts), so the page says what the email said.
 */
export const restoreFlowPage = (
  statusCode: number,
  kind: PageKind,
  reader: Reader,
  site: Site,
  options: { readonly purgeAfter?: string; readonly token?: string } = {},
): APIGatewayProxyResultV2 => {
  const texts = PAGES[reader.language] ?? PAGES[FALLBACK_LANGUAGE];
  if (!texts) throw new Error('No fallback pages');
  const text = texts[kind]({
    productName: site.productName,
    purgeAt: options.purgeAfter === undefined ? '' : dateTime(reader, options.purgeAfter),
    dataKinds: dataKinds(
      reader,
      site.stores.map((s) => s.name),
      site.stores,
    ),
  });
  const form =
    text.button !== undefined && options.token !== undefined
      ? { token: options.token, label: text.button }
      : undefined;
  return htmlResponse(
    statusCode,
    { title: text.title, paragraphs: text.paragraphs, ...(form && { form }) },
    site.productName,
    reader.locale,
  );
};
