import type { OutgoingMessage } from '../../contracts/mail.js';
import { headAndTail } from '../../contracts/foreign-text.js';
import type { ThreadKind } from '../../contracts/monitoring.js';
import { type Locale, t } from '../../i18n/index.js';
import { durationOf } from '../../i18n/duration.js';
import { formatInZone } from '../../i18n/time-format.js';
import type { RunRow } from './runs.repository.js';

/** What a digest reports about a run, in the order the digest lists them. */
export const NOTICES = ['failed', 'long-running', 'succeeded'] as const;
export type Notice = (typeof NOTICES)[number];

export interface DigestEntry {
  notice: Notice;
  run: RunRow;
  /** 長時間: when the run passed the kind's threshold. */
  crossedAt?: Date;
}

export interface DigestSetting {
  kind: ThreadKind;
  recipients: string[];
  longRunningHours: number;
  locale: Locale;
  timeZone: string;
  /** The look's time: elapsed times of running runs count up to it. */
  now: Date;
}

/** A digest lists this many runs at most, then says how many more there are. */
export const MAX_LISTED_RUNS = 100;
const ERROR_EXCERPT_CHARACTERS = 600;

/** One digest mail of a kind: the counts in the subject, each run (up to 100) in the body. */
export function composeDigest(setting: DigestSetting, entries: DigestEntry[]): OutgoingMessage {
  const { locale } = setting;
  const kindLabel = t(locale, `monitoring.kind.${setting.kind}`);
  const sections = NOTICES.map((notice) => ({ notice, entries: entries.filter((e) => e.notice === notice) })).filter(
    (section) => section.entries.length > 0,
  );
  const counts = sections.map((s) => t(locale, `monitoring.count.${s.notice}`, { count: s.entries.length })).join(' / ');

  const lines = [t(locale, 'monitoring.digest.intro', { kind: kindLabel, time: formatInZone(setting.now, setting.timeZone, locale) }), ''];
  let listed = 0;
  for (const section of sections) {
    if (listed >= MAX_LISTED_RUNS) break;
    lines.push(t(locale, 'monitoring.digest.section', { notice: t(locale, `monitoring.notice.${section.notice}`), count: section.entries.length }));
    for (const entry of section.entries.slice(0, MAX_LISTED_RUNS - listed)) {
      lines.push(...describeEntry(setting, entry), '');
      listed += 1;
    }
  }
  if (entries.length > listed) lines.push(t(locale, 'monitoring.digest.more', { count: entries.length - listed }), '');
  lines.push('--', t(locale, 'monitoring.digest.footer'));

  return {
    to: setting.recipients,
    cc: [],
    bcc: [],
    subject: t(locale, 'monitoring.digest.subject', { kind: kindLabel, counts }),
    text: lines.join('\n') + '\n',
    attachments: [],
  };
}

function formatDuration(locale: Locale, ms: number): string {
  const { unit, params } = durationOf(ms);
  return t(locale, `monitoring.duration.${unit}`, params);
}

function describeEntry(setting: DigestSetting, { notice, run, crossedAt }: DigestEntry): string[] {
  const { locale } = setting;
  const time = (iso: string | Date) => formatInZone(new Date(iso), setting.timeZone, locale);
  const started = new Date(run.started_at);
  const lines = [`- ${run.name}`, '  ' + t(locale, 'monitoring.digest.started', { time: time(started) })];
  if (run.ended_at) {
    const duration = formatDuration(locale, Date.parse(run.ended_at) - started.getTime());
    lines.push('  ' + t(locale, 'monitoring.digest.ended', { time: time(run.ended_at), duration }));
  } else if (!run.heartbeat_lost_at) {
    lines.push('  ' + t(locale, 'monitoring.digest.elapsed', { duration: formatDuration(locale, setting.now.getTime() - started.getTime()) }));
  }
  if (notice === 'long-running' && crossedAt) {
    lines.push('  ' + t(locale, 'monitoring.digest.crossed', { hours: setting.longRunningHours, time: time(crossedAt) }));
  }
  if (run.outcome) lines.push('  ' + t(locale, 'monitoring.digest.outcome', { outcome: describeOutcome(setting, run) }));
  if (run.error) {
    lines.push('  ' + t(locale, 'monitoring.digest.error'), ...errorExcerpt(run.error).split('\n').map((line) => `    ${line}`));
  }
  return lines;
}

function describeOutcome(setting: DigestSetting, run: RunRow): string {
  const { locale } = setting;
  const outcome = t(locale, `monitoring.notice.${run.outcome ?? 'failed'}`);
  if (!run.heartbeat_lost_at) return outcome;
  const lostAt = formatInZone(new Date(run.heartbeat_lost_at), setting.timeZone, locale);
  if (run.ended_at) return t(locale, 'monitoring.digest.late_finish', { outcome, time: lostAt });
  const lastHeartbeat = formatInZone(new Date(run.last_heartbeat_at ?? run.heartbeat_lost_at), setting.timeZone, locale);
  return t(locale, 'monitoring.digest.heartbeat_lost', { time: lastHeartbeat });
}

/** The start of a long error (what failed) and its end (usually the cause, e.g. the tail of stderr). */
export const errorExcerpt = (error: string): string => headAndTail(error, ERROR_EXCERPT_CHARACTERS);
