/**
 * What each notice says, per language: one source per kind, rendered to both
 * the HTML and the plain-text part. Every value passed in is already
 * formatted for the reader (dates in their locale and time zone).
 */
export const NOTICE_KINDS = ['deactivated', 'reminder', 'purged'] as const;
export type TemplateKind = (typeof NOTICE_KINDS)[number];

export interface MessageValues {
  readonly productName: string;
  /** The reader's name, when the profile has one. */
  readonly name?: string;
  /** Long date and time of deactivation, e.g. "27 November 2026, 10:00 CET". */
  readonly deactivatedAt: string;
  /** Long date and time of the purge. */
  readonly purgeAt: string;
  /** Date only, for subjects: "24 December 2026". */
  readonly purgeDate: string;
  readonly purgedAt: string;
  readonly backupsGoneBy: string;
  /** The kinds of data deleted, as a list in words: "profiles, content and uploads". */
  readonly dataKinds: string;
  readonly supportUrl: string;
}

export interface Message {
  readonly subject: string;
  /** The inbox preview line. */
  readonly preheader: string;
  readonly heading: string;
  readonly paragraphs: readonly string[];
  /** The button and the line under it, for notices that offer the restore link. */
  readonly action?: { readonly label: string; readonly after: string };
  readonly footer: string;
}

export type Messages = Record<TemplateKind, (v: MessageValues) => Message>;

const en: Messages = {
  deactivated: (v) => ({
    subject: `Your ${v.productName} account will be deleted on ${v.purgeDate}`,
    preheader: `You can restore it until ${v.purgeAt}.`,
    heading: 'Your account is deactivated',
    paragraphs: [
      `Hello${v.name ? ` ${v.name}` : ''},`,
      `Your ${v.productName} account was deactivated on ${v.deactivatedAt}.`,
      `On ${v.purgeAt} it will be permanently deleted, with all its data. Until then you can restore it, and everything stays as it was.`,
      'Changed your mind, or did not ask for this? Restore your account:',
    ],
    action: {
      label: 'Restore my account',
      after: `This link works until ${v.purgeAt}. If you do nothing, your account will be deleted then.`,
    },
    footer: `You receive this email because it concerns your ${v.productName} account. Questions: ${v.supportUrl}`,
  }),
  reminder: (v) => ({
    subject: `Reminder: your ${v.productName} account will be deleted on ${v.purgeDate}`,
    preheader: `Restore it before ${v.purgeAt} to keep it.`,
    heading: `Your account will be deleted on ${v.purgeDate}`,
    paragraphs: [
      `Hello${v.name ? ` ${v.name}` : ''},`,
      `Your ${v.productName} account has been deactivated since ${v.deactivatedAt}.`,
      `On ${v.purgeAt} it will be permanently deleted, with all its data, and can no longer be restored.`,
      'To keep your account, restore it before then:',
    ],
    action: {
      label: 'Restore my account',
      after: `This link works until ${v.purgeAt}.`,
    },
    footer: `You receive this email because it concerns your ${v.productName} account. Questions: ${v.supportUrl}`,
  }),
  purged: (v) => ({
    subject: `Your ${v.productName} account has been deleted`,
    preheader: `Deleted on ${v.purgedAt}.`,
    heading: 'Your account and its data are deleted',
    paragraphs: [
      `Hello${v.name ? ` ${v.name}` : ''},`,
      `On ${v.purgedAt} we permanently deleted your ${v.productName} account and all its data: ${v.dataKinds}.`,
      `Copies in our backups are gone by ${v.backupsGoneBy} at the latest.`,
      'This is the last email you will receive from us: your email address is erased now too.',
    ],
    footer: `This is your deletion receipt for your former ${v.productName} account. Questions: ${v.supportUrl}`,
  }),
};

const de: Messages = {
  deactivated: (v) => ({
    subject: `Ihr ${v.productName}-Konto wird am ${v.purgeDate} gelöscht`,
    preheader: `Sie können es bis zum ${v.purgeAt} wiederherstellen.`,
    heading: 'Ihr Konto ist deaktiviert',
    paragraphs: [
      `Hallo${v.name ? ` ${v.name}` : ''},`,
      `Ihr ${v.productName}-Konto wurde am ${v.deactivatedAt} deaktiviert.`,
      `Am ${v.purgeAt} wird es mit allen Daten endgültig gelöscht. Bis dahin können Sie es wiederherstellen, und alles bleibt, wie es war.`,
      'Haben Sie es sich anders überlegt oder das nicht veranlasst? Stellen Sie Ihr Konto wieder her:',
    ],
    action: {
      label: 'Mein Konto wiederherstellen',
      after: `Dieser Link gilt bis zum ${v.purgeAt}. Wenn Sie nichts tun, wird Ihr Konto dann gelöscht.`,
    },
    footer: `Sie erhalten diese E-Mail, weil sie Ihr ${v.productName}-Konto betrifft. Fragen: ${v.supportUrl}`,
  }),
  reminder: (v) => ({
    subject: `Erinnerung: Ihr ${v.productName}-Konto wird am ${v.purgeDate} gelöscht`,
    preheader: `Stellen Sie es vor dem ${v.purgeAt} wieder her, um es zu behalten.`,
    heading: `Ihr Konto wird am ${v.purgeDate} gelöscht`,
    paragraphs: [
      `Hallo${v.name ? ` ${v.name}` : ''},`,
      `Ihr ${v.productName}-Konto ist seit dem ${v.deactivatedAt} deaktiviert.`,
      `Am ${v.purgeAt} wird es mit allen Daten endgültig gelöscht und kann dann nicht mehr wiederhergestellt werden.`,
      'Wenn Sie Ihr Konto behalten möchten, stellen Sie es vorher wieder her:',
    ],
    action: {
      label: 'Mein Konto wiederherstellen',
      after: `Dieser Link gilt bis zum ${v.purgeAt}.`,
    },
    footer: `Sie erhalten diese E-Mail, weil sie Ihr ${v.productName}-Konto betrifft. Fragen: ${v.supportUrl}`,
  }),
  purged: (v) => ({
    subject: `Ihr ${v.productName}-Konto wurde gelöscht`,
    preheader: `Gelöscht am ${v.purgedAt}.`,
    heading: 'Ihr Konto und Ihre Daten sind gelöscht',
    paragraphs: [
      `Hallo${v.name ? ` ${v.name}` : ''},`,
      `am ${v.purgedAt} haben wir Ihr ${v.productName}-Konto und alle zugehörigen Daten endgültig gelöscht: ${v.dataKinds}.`,
      `Kopien in unseren Sicherungen sind spätestens am ${v.backupsGoneBy} verschwunden.`,
      'Dies ist die letzte E-Mail, die Sie von uns erhalten: Ihre E-Mail-Adresse wird jetzt ebenfalls gelöscht.',
    ],
    footer: `Dies ist Ihre Löschbestätigung für Ihr ehemaliges ${v.productName}-Konto. Fragen: ${v.supportUrl}`,
  }),
};

/** By language subtag; anything else reads English. */
export const MESSAGES: Readonly<Record<string, Messages>> = { en, de };
export const FALLBACK_LANGUAGE = 'en';
