/**
 * What each notice says, per language: one source per kind, rendered to both
 * the HTML and the plain-text part. Every value passed in is already
 * formatted for the reader (dates in their locale and time zone).
 */
export const NOTICE_KINDS = ['deactivated', 'reminder', 'purged', 'resumed'] as const;
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
  /** The resumed notice: by when the purge, held past its date, now runs. */
  readonly resumeAt: string;
  /**
   * The deactivated notice to an account already under a legal hold: no deletion date is certain, so it
   * says the deletion is paused (as reminders are held back, P4/P6); the link still works until purgeAt.
   */
  readonly held?: boolean;
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
  deactivated: (v) =>
    v.held
      ? {
          subject: `Your ${v.productName} account is deactivated`,
          preheader: `Its deletion is paused for now. You can restore it until ${v.purgeAt}.`,
          heading: 'Your account is deactivated',
          paragraphs: [
            `Hello${v.name ? ` ${v.name}` : ''},`,
            `Your ${v.productName} account was deactivated on ${v.deactivatedAt}.`,
            'We have to keep it for a legal obligation, so its deletion is paused while that applies. Until it ends, nothing is deleted.',
            'Changed your mind, or did not ask for this? Restore your account:',
          ],
          action: { label: 'Restore my account', after: `This link works until ${v.purgeAt}.` },
          footer: `You receive this email because it concerns your ${v.productName} account. Questions: ${v.supportUrl}`,
        }
      : {
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
        },
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
  resumed: (v) => ({
    subject: `Your ${v.productName} account will now be deleted`,
    preheader: `The deletion planned for ${v.purgeDate} now runs by ${v.resumeAt}.`,
    heading: 'Your account will now be deleted',
    paragraphs: [
      `Hello${v.name ? ` ${v.name}` : ''},`,
      `Your ${v.productName} account, deactivated on ${v.deactivatedAt}, was due to be deleted on ${v.purgeAt}. We had to keep it longer for a legal obligation.`,
      `That obligation has ended: your account and all its data will now be permanently deleted, by ${v.resumeAt}. You will receive a receipt when it is done.`,
    ],
    footer: `You receive this email because it concerns your ${v.productName} account. Questions: ${v.supportUrl}`,
  }),
};

const de: Messages = {
  deactivated: (v) =>
    v.held
      ? {
          subject: `Ihr ${v.productName}-Konto ist deaktiviert`,
          preheader: `Die Löschung ist vorerst ausgesetzt. Sie können es bis zum ${v.purgeAt} wiederherstellen.`,
          heading: 'Ihr Konto ist deaktiviert',
          paragraphs: [
            `Hallo${v.name ? ` ${v.name}` : ''},`,
            `Ihr ${v.productName}-Konto wurde am ${v.deactivatedAt} deaktiviert.`,
            'Wegen einer gesetzlichen Pflicht müssen wir es aufbewahren; solange sie besteht, ist die Löschung ausgesetzt. Bis sie endet, wird nichts gelöscht.',
            'Haben Sie es sich anders überlegt oder das nicht veranlasst? Stellen Sie Ihr Konto wieder her:',
          ],
          action: { label: 'Mein Konto wiederherstellen', after: `Dieser Link gilt bis zum ${v.purgeAt}.` },
          footer: `Sie erhalten diese E-Mail, weil sie Ihr ${v.productName}-Konto betrifft. Fragen: ${v.supportUrl}`,
        }
      : {
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
        },
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
  resumed: (v) => ({
    subject: `Ihr ${v.productName}-Konto wird jetzt gelöscht`,
    preheader: `Die für den ${v.purgeDate} geplante Löschung erfolgt jetzt, bis zum ${v.resumeAt}.`,
    heading: 'Ihr Konto wird jetzt gelöscht',
    paragraphs: [
      `Hallo${v.name ? ` ${v.name}` : ''},`,
      `Ihr ${v.productName}-Konto, deaktiviert am ${v.deactivatedAt}, sollte am ${v.purgeAt} gelöscht werden. Wegen einer gesetzlichen Pflicht mussten wir es länger aufbewahren.`,
      `Diese Pflicht ist beendet: Ihr Konto wird jetzt mit allen Daten endgültig gelöscht, bis zum ${v.resumeAt}. Sie erhalten eine Bestätigung, sobald es erledigt ist.`,
    ],
    footer: `Sie erhalten diese E-Mail, weil sie Ihr ${v.productName}-Konto betrifft. Fragen: ${v.supportUrl}`,
  }),
};

/**
 * The languages Lethe has words for. A list of its own, so code that only
 * asks whether a language is known (the restore pages) does not carry every
 * notice's text; each table below must cover exactly these (typecheck).
 */
export const LANGUAGES = ['en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

export const isLanguage = (language: string): language is Language =>
  (LANGUAGES as readonly string[]).includes(language);

/** By language subtag; anything else reads English. */
export const MESSAGES: Readonly<Record<string, Messages>> = { en, de } satisfies Record<Language, Messages>;
export const FALLBACK_LANGUAGE = 'en';

/**
 * The restore link's pages, per language, from the same source as the
 * notices: the link opens in the words and dates its email used.
 */
export const PAGE_KINDS = [
  'restore',
  'restored',
  'used',
  'superseded',
  'purged',
  'expired',
  'invalid',
  'error',
] as const;
export type PageKind = (typeof PAGE_KINDS)[number];

export interface PageValues {
  readonly productName: string;
  /** Long date and time of the purge, in the reader's zone (the restore page only). */
  readonly purgeAt: string;
  /** What the account holds, in words: "your profile, … and the files you uploaded". */
  readonly dataKinds: string;
}

export interface PageText {
  readonly title: string;
  readonly paragraphs: readonly string[];
  /** The one button's label (the restore page only). */
  readonly button?: string;
}

export type PageTexts = Record<PageKind, (v: PageValues) => PageText>;

const enPages: PageTexts = {
  restore: (v) => ({
    title: 'Restore your account',
    paragraphs: [
      `Your ${v.productName} account is deactivated. It will be permanently deleted on ${v.purgeAt}.`,
      `Restore it now to keep it and all its data (${v.dataKinds}), exactly as it was.`,
    ],
    button: 'Restore my account',
  }),
  restored: (v) => ({
    title: 'Your account is restored',
    paragraphs: [
      `Your ${v.productName} account is active again, with all its data. It will not be deleted.`,
      'You can sign in as before.',
    ],
  }),
  used: () => ({
    title: 'This link no longer works',
    paragraphs: ['Your account is active: this link has been used already, so there is nothing to restore.'],
  }),
  superseded: () => ({
    title: 'This link no longer works',
    paragraphs: ['This link is from an earlier deactivation. Please use the link in the latest email.'],
  }),
  purged: () => ({
    title: 'This account can no longer be restored',
    paragraphs: ['This account has been deleted. It can no longer be restored.'],
  }),
  expired: () => ({
    title: 'This link no longer works',
    paragraphs: ['This restore link has expired: the grace period is over.'],
  }),
  invalid: () => ({
    title: 'This link does not work',
    paragraphs: ['This restore link is not valid. Please use the link from the email.'],
  }),
  error: () => ({
    title: 'Something went wrong',
    paragraphs: ['Something went wrong on our side. Please try again later.'],
  }),
};

const dePages: PageTexts = {
  restore: (v) => ({
    title: 'Konto wiederherstellen',
    paragraphs: [
      `Ihr ${v.productName}-Konto ist deaktiviert. Es wird am ${v.purgeAt} endgültig gelöscht.`,
      `Stellen Sie es jetzt wieder her, um es mit allen Daten (${v.dataKinds}) genau so zu behalten, wie es war.`,
    ],
    button: 'Mein Konto wiederherstellen',
  }),
  restored: (v) => ({
    title: 'Ihr Konto ist wiederhergestellt',
    paragraphs: [
      `Ihr ${v.productName}-Konto ist wieder aktiv, mit allen Daten. Es wird nicht gelöscht.`,
      'Sie können sich wie gewohnt anmelden.',
    ],
  }),
  used: () => ({
    title: 'Dieser Link funktioniert nicht mehr',
    paragraphs: [
      'Ihr Konto ist aktiv: Dieser Link wurde bereits verwendet, es gibt also nichts wiederherzustellen.',
    ],
  }),
  superseded: () => ({
    title: 'Dieser Link funktioniert nicht mehr',
    paragraphs: [
      'Dieser Link gehört zu einer früheren Deaktivierung. Bitte verwenden Sie den Link aus der neuesten E-Mail.',
    ],
  }),
  purged: () => ({
    title: 'Dieses Konto kann nicht mehr wiederhergestellt werden',
    paragraphs: ['Dieses Konto wurde gelöscht. Es kann nicht mehr wiederhergestellt werden.'],
  }),
  expired: () => ({
    title: 'Dieser Link funktioniert nicht mehr',
    paragraphs: ['Dieser Wiederherstellungslink ist abgelaufen: Die Frist ist vorbei.'],
  }),
  invalid: () => ({
    title: 'Dieser Link funktioniert nicht',
    paragraphs: ['Dieser Wiederherstellungslink ist ungültig. Bitte verwenden Sie den Link aus der E-Mail.'],
  }),
  error: () => ({
    title: 'Etwas ist schiefgelaufen',
    paragraphs: ['Bei uns ist etwas schiefgelaufen. Bitte versuchen Sie es später noch einmal.'],
  }),
};

/** By language subtag, like MESSAGES; every language in MESSAGES has its pages. */
export const PAGES: Readonly<Record<string, PageTexts>> = { en: enPages, de: dePages } satisfies Record<
  Language,
  PageTexts
>;

/** One entry of an export's README: a file or folder of the archive and what it holds. */
export interface ReadmeEntry {
  readonly file: string;
  /** The store's words for the reader (its label), e.g. "your posts". */
  readonly label: string;
  readonly files: boolean;
  /** The file is one JSON object (pretty-printed over several lines), not one per line. */
  readonly wholeObject?: boolean;
  readonly count: number;
}

export interface ReadmeValues {
  readonly productName: string;
  readonly accountId: string;
  /** Long date and time of the export, in the reader's zone. */
  readonly exportedAt: string;
  readonly entries: readonly ReadmeEntry[];
}

/** The export's README.txt, per language: plain text a person reads first. */
export type Readme = (v: ReadmeValues) => string;

const underlined = (title: string) => [title, '='.repeat(title.length)];

const enReadme: Readme = (v) =>
  [
    ...underlined(`Your data from ${v.productName}`),
    '',
    `Account: ${v.accountId}`,
    `Exported: ${v.exportedAt}`,
    '',
    'This archive holds everything we keep about your account:',
    '',
    ...v.entries.map((e) =>
      e.files
        ? `  ${e.file}  ${e.label}: ${e.count} ${e.count === 1 ? 'file' : 'files'}, as stored`
        : e.wholeObject
          ? `  ${e.file}  ${e.label}: one JSON object, the whole file`
          : `  ${e.file}  ${e.label}: ${e.count} ${e.count === 1 ? 'record' : 'records'}, one JSON object per line`,
    ),
    '  manifest.json  the same list, for programs',
    '',
    'The .ndjson files are plain text: open them in any text editor, or load',
    'them line by line in a program. Each line is one record, in JSON.',
    '',
    'This link and archive expire: keep a copy if you want one.',
    '',
  ].join('\n');

const deReadme: Readme = (v) =>
  [
    ...underlined(`Ihre Daten bei ${v.productName}`),
    '',
    `Konto: ${v.accountId}`,
    `Exportiert: ${v.exportedAt}`,
    '',
    'Dieses Archiv enthält alles, was wir zu Ihrem Konto speichern:',
    '',
    ...v.entries.map((e) =>
      e.files
        ? `  ${e.file}  ${e.label}: ${e.count} ${e.count === 1 ? 'Datei' : 'Dateien'}, wie gespeichert`
        : e.wholeObject
          ? `  ${e.file}  ${e.label}: ein JSON-Objekt, die ganze Datei`
          : `  ${e.file}  ${e.label}: ${e.count} ${e.count === 1 ? 'Datensatz' : 'Datensätze'}, ein JSON-Objekt pro Zeile`,
    ),
    '  manifest.json  dieselbe Liste, für Programme',
    '',
    'Die .ndjson-Dateien sind reiner Text: Öffnen Sie sie in einem beliebigen',
    'Texteditor oder lesen Sie sie zeilenweise in ein Programm ein. Jede Zeile',
    'ist ein Datensatz in JSON.',
    '',
    'Dieser Link und das Archiv laufen ab: Bewahren Sie eine Kopie auf, wenn Sie eine möchten.',
    '',
  ].join('\n');

/** By language subtag, like MESSAGES. */
export const READMES: Readonly<Record<string, Readme>> = { en: enReadme, de: deReadme } satisfies Record<
  Language,
  Readme
>;
