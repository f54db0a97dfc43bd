/**
 * Renders a notice: picks the reader's language (falling back to English),
 * formats dates with Intl in their locale and time zone, and fills the one
 * message of the kind into both the precompiled MJML layout and plain text.
 */
import type { StoreLabels } from '../core/data-map.ts';
import { escapeHtml } from '../core/escape-html.ts';
import { FALLBACK_LANGUAGE, MESSAGES, type Message, type TemplateKind } from '../core/messages.ts';
import { dataKinds, date, dateTime, type Reader, readerOf } from '../core/reader.ts';
import { LAYOUTS } from './templates/layouts.generated.ts';

export interface NoticeInput {
  readonly kind: TemplateKind;
  /** BCP 47, e.g. `de-DE`; missing or unsupported reads English. */
  readonly locale?: string;
  /** IANA, e.g. `Europe/Berlin`; missing or unknown is UTC. */
  readonly timeZone?: string;
  readonly name?: string;
  readonly deactivatedAt: string;
  readonly purgeAfter: string;
  /** The purged notice: when it happened, and the kinds of data deleted. */
  readonly purgedAt?: string;
  /** The data map's store names: the receipt says them in the reader's words (their labels). */
  readonly dataKinds?: readonly string[];
  /** When backups no longer hold the data. */
  readonly backupsGoneBy?: string;
  /** The resumed notice: by when the purge, held past its date, now runs. */
  readonly resumeAt?: string;
  /** The deactivated and reminder notices carry the signed restore link. */
  readonly restoreUrl?: string;
  /** The deactivated notice to an account already under a legal hold: no deletion date stated. */
  readonly held?: boolean;
}

export interface Branding {
  readonly productName: string;
  readonly supportUrl: string;
  /** The data map's stores, for their labels; a name not found reads as itself. */
  readonly stores?: readonly { readonly name: string; readonly labels?: StoreLabels }[];
}

export interface RenderedNotice {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  /** The language actually used. */
  readonly language: string;
}

const fill = (layout: string, slots: Record<string, string>) =>
  layout.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = slots[name];
    if (value === undefined) throw new Error(`layout slot {{${name}}} has no value`);
    return value;
  });

/** The footer's support address as a link a reader can click (the text part keeps it as text). */
const linked = (html: string, url: string) =>
  url === '' ? html : html.split(url).join(`<a href="${url}" style="color:#57606a">${url}</a>`);

const toHtml = (
  message: Message,
  reader: Reader,
  productName: string,
  supportUrl: string,
  actionUrl: string | undefined,
) => {
  const layout = message.action ? LAYOUTS.action : LAYOUTS.plain;
  return fill(layout, {
    lang: escapeHtml(reader.locale),
    subject: escapeHtml(message.subject),
    preheader: escapeHtml(message.preheader),
    productName: escapeHtml(productName),
    heading: escapeHtml(message.heading),
    body: message.paragraphs.map((p) => `<p style="margin:0 0 12px">${escapeHtml(p)}</p>`).join(''),
    ...(message.action && {
      actionUrl: escapeHtml(actionUrl ?? ''),
      actionLabel: escapeHtml(message.action.label),
      afterAction: escapeHtml(message.action.after),
    }),
    footer: linked(escapeHtml(message.footer), escapeHtml(supportUrl)),
  });
};

const toText = (message: Message, actionUrl: string | undefined) =>
  [
    message.heading,
    '',
    ...message.paragraphs.flatMap((p) => [p, '']),
    ...(message.action ? [`${message.action.label}: ${actionUrl ?? ''}`, '', message.action.after, ''] : []),
    '--',
    message.footer,
    '',
  ].join('\n');

export const renderNotice = (input: NoticeInput, branding: Branding): RenderedNotice => {
  const reader = readerOf(input.locale, input.timeZone);
  const messages = MESSAGES[reader.language] ?? MESSAGES[FALLBACK_LANGUAGE];
  if (!messages) throw new Error('No fallback messages');
  if ((input.kind === 'deactivated' || input.kind === 'reminder') && input.restoreUrl === undefined) {
    throw new Error(`A ${input.kind} notice needs the restore link`);
  }
  const purgedAt = input.purgedAt ?? input.purgeAfter;
  const message = messages[input.kind]({
    productName: branding.productName,
    ...(input.name !== undefined && { name: input.name }),
    deactivatedAt: dateTime(reader, input.deactivatedAt),
    purgeAt: dateTime(reader, input.purgeAfter),
    purgeDate: date(reader, input.purgeAfter),
    purgedAt: dateTime(reader, purgedAt),
    backupsGoneBy: date(reader, input.backupsGoneBy ?? purgedAt),
    dataKinds: dataKinds(reader, input.dataKinds ?? [], branding.stores ?? []),
    supportUrl: branding.supportUrl,
    resumeAt: dateTime(reader, input.resumeAt ?? input.purgeAfter),
    ...(input.held && { held: true }),
  });
  return {
    subject: message.subject,
    html: toHtml(message, reader, branding.productName, branding.supportUrl, input.restoreUrl),
    text: toText(message, input.restoreUrl),
    language: reader.language,
  };
};
