import type { DevMail, DevMailboxList } from '../../contracts/dev-mailbox.js';
import { type Locale, t } from '../../i18n/index.js';
import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';
import { newId } from '../ids.js';
import {
  clearMails,
  devMailboxDir,
  listMailSummaries,
  readRawMail,
  type StoredMailSummary,
  storeMail,
} from './dev-mailbox.store.js';

/** 開発用メールボックス (SPEC §2.6): what its SMTP server received, for admins, only when it is on. */

export interface ReceivedEnvelope {
  from: string | null;
  to: string[];
}

const PARSE_OPTIONS = { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true } as const;

/** mailparser costs about 30 MB of memory: loaded with the first mail, not at every start. */
async function parseMail(raw: Buffer) {
  const { simpleParser } = await import('mailparser');
  return simpleParser(raw, PARSE_OPTIONS);
}

export async function receiveMail(ctx: AppContext, raw: Buffer, envelope: ReceivedEnvelope): Promise<void> {
  const parsed = await parseMail(raw);
  const summary: StoredMailSummary = {
    id: newId(),
    received: ctx.clock.now().toISOString(),
    from: parsed.from?.value[0]?.address ?? envelope.from,
    // The envelope, not the To header: Bcc recipients show up too, as a developer expects.
    to: envelope.to,
    subject: parsed.subject ?? null,
    messageId: parsed.messageId ?? null,
  };
  await storeMail(devMailboxDir(ctx.config.dataDir), summary, raw);
}

export async function listDevMailbox(ctx: AppContext, locale: Locale): Promise<DevMailboxList> {
  const dir = enabledMailboxDir(ctx);
  return { banner: t(locale, 'devmailbox.banner'), messages: await listMailSummaries(dir) };
}

export async function readDevMail(ctx: AppContext, locale: Locale, id: string): Promise<DevMail> {
  const dir = enabledMailboxDir(ctx);
  const raw = await readRawMail(dir, id);
  const summary = raw && (await listMailSummaries(dir)).find((entry) => entry.id === id);
  if (!raw || !summary) throw notFound();
  const parsed = await parseMail(raw);
  return {
    banner: t(locale, 'devmailbox.banner'),
    message: {
      ...summary,
      headers: parsed.headerLines.map(({ line }) => {
        const colon = line.indexOf(':');
        return { name: line.slice(0, colon), value: line.slice(colon + 1).trim() };
      }),
      text: parsed.text ?? null,
      html: parsed.html || null,
    },
  };
}

export async function clearDevMailbox(ctx: AppContext): Promise<void> {
  await clearMails(enabledMailboxDir(ctx));
}

/** With the dev mailbox off its API does not exist. */
function enabledMailboxDir(ctx: AppContext): string {
  if (!ctx.config.devMailbox.enabled) throw notFound();
  return devMailboxDir(ctx.config.dataDir);
}
