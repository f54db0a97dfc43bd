/**
 * Text made safe to put in HTML, as element content or a quoted attribute
 * value: the restore pages (functions/http/html.ts) and the notices' HTML
 * (functions/notices/render.ts) both fill their templates through it.
 */
const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
