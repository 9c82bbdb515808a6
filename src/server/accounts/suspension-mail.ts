import type { OutgoingMessage } from '../../contracts/mail.js';
import { t } from '../../i18n/index.js';
import { formatInZone, formatUtc } from '../../i18n/time-format.js';
import type { Reading } from './users.repository.js';

/** What a suspension mail tells (SPEC §3). */
export interface SuspensionFacts {
  displayName: string;
  loginId: string;
  suspendedAt: Date;
  /** null: 無期限, until an administrator lifts it. */
  resumesAt: Date | null;
  failures: number;
  ip: string | null;
  /** The user has an address, so was mailed too. */
  userMailed: boolean;
}

/** Who reads a mail, and so its language and the zone its times are shown in. */
export interface Reader extends Reading {
  address: string;
}

/** The mail to the suspended user. */
export function suspensionMailToUser(facts: SuspensionFacts, reader: Reader): OutgoingMessage {
  const { locale } = reader;
  const todo = facts.resumesAt ? 'lockout.mail.user.todo' : 'lockout.mail.user.todo_until_lifted';
  return plainMail(reader.address, t(locale, 'lockout.mail.user.subject'), [
    t(locale, 'lockout.mail.user.intro', { name: facts.displayName }),
    factsBlock(facts, reader),
    t(locale, todo),
  ]);
}

/** The copy to one address of [アカウント停止通知メール送信先メールアドレス]. */
export function suspensionMailCopy(facts: SuspensionFacts, reader: Reader): OutgoingMessage {
  const { locale } = reader;
  const who = { name: facts.displayName, loginId: facts.loginId };
  return plainMail(reader.address, t(locale, 'lockout.mail.copy.subject', who), [
    t(locale, 'lockout.mail.copy.intro'),
    factsBlock(facts, reader),
    // Recipients would otherwise take it that the user knows.
    ...(facts.userMailed ? [] : [t(locale, 'lockout.mail.copy.user_not_mailed')]),
    t(locale, 'lockout.mail.copy.todo', { unlockCommand: unlockCommandFor(facts.loginId) }),
  ]);
}

/** The command as it works when pasted: a login ID may begin with "-", which would read as an option. */
const unlockCommandFor = (loginId: string) => `tayori admin unlock ${loginId.startsWith('-') ? '-- ' : ''}${loginId}`;

function factsBlock(facts: SuspensionFacts, { locale, timeZone }: Reader): string {
  const when = (date: Date) => `${formatInZone(date, timeZone, locale)} / ${formatUtc(date)}`;
  return t(locale, 'lockout.mail.facts', {
    name: facts.displayName,
    loginId: facts.loginId,
    suspendedAt: when(facts.suspendedAt),
    resumesAt: facts.resumesAt ? when(facts.resumesAt) : t(locale, 'lockout.until_lifted'),
    failures: facts.failures,
    ip: facts.ip ?? t(locale, 'lockout.ip_unknown'),
  });
}

function plainMail(to: string, subject: string, paragraphs: string[]): OutgoingMessage {
  return { to: [to], cc: [], bcc: [], subject, text: `${paragraphs.join('\n\n')}\n`, attachments: [] };
}
