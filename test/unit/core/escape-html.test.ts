/**
 * The one HTML escape the restore pages and the notices share: markup and
 * quotes in a product name, a label or a reason become text, never markup.
 */
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../functions/core/escape-html.ts';

describe('escapeHtml', () => {
  it.each([
    ['Shop & Co', 'Shop &amp; Co'],
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    [`"quoted" and 'single'`, '&quot;quoted&quot; and &#39;single&#39;'],
    ['&amp; stays escaped once more', '&amp;amp; stays escaped once more'],
    ['Grüße, 😀', 'Grüße, 😀'],
    ['', ''],
  ])('escapes %j', (text, escaped) => {
    expect(escapeHtml(text)).toBe(escaped);
  });
});
