import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';
import { loginIdSchema } from '../contracts/accounts.js';
import { parseAddress } from '../contracts/address.js';
import { isValidHost } from '../contracts/mail-settings.js';
import { isMessageKey, type Locale, type MessageParams, t } from '../i18n/index.js';

/**
 * Every setting of the process, parsed once from the environment (SPEC §0).
 * Nothing else in the code reads process.env. Problems are catalog keys, reported in the
 * operator's language (consoleLocaleOf).
 */

const flag = (defaultValue: '0' | '1') =>
  z
    .enum(['0', '1', 'true', 'false', 'on', 'off', 'yes', 'no'], {
      error: 'config.flag',
    })
    .default(defaultValue)
    .transform((value) => ['1', 'true', 'on', 'yes'].includes(value));

/**
 * Which proxies to believe about the client's address (X-Forwarded-For). `on`/`1` trusts one hop,
 * the balancer in front: the client is the address it appended, the right-most, never an entry the
 * client itself could have put first. A number of hops, or the proxies' addresses (comma-separated
 * IPs or CIDRs), for longer chains. Off by default.
 */
const trustedProxies = z
  .string()
  .default('off')
  .refine((value) => /^(0|1|true|false|on|off|yes|no|\d{1,2})$/.test(value) || value.split(',').every((entry) => isAddressOrRange(entry.trim())), {
    message: 'config.trust_proxy',
  })
  .transform((value): boolean | number | string => {
    if (['0', 'false', 'off', 'no'].includes(value)) return false;
    if (['1', 'true', 'on', 'yes'].includes(value)) return 1;
    return /^\d+$/.test(value) ? Number(value) : value.replace(/\s+/g, '');
  });

/** `192.0.2.10`, `10.0.0.0/8`, `10.0.0.0/255.0.0.0` or `2001:db8::/32`, as proxy-addr reads them. */
function isAddressOrRange(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (family === 4 && isIP(prefix) === 4) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

const integer = (defaultValue: number, min: number, max: number) =>
  z
    .string()
    .default(String(defaultValue))
    .refine((value) => /^\d+$/.test(value), { message: 'config.whole_number' })
    .transform(Number)
    .refine((value) => value >= min && value <= max, { message: 'config.between', params: { min, max } });

const optionalPort = z
  .string()
  .optional()
  .refine((value) => value === undefined || (/^\d+$/.test(value) && +value >= 1 && +value <= 65535), {
    message: 'config.port',
  })
  .transform((value) => (value === undefined ? undefined : Number(value)));

const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: 'config.url', params: { protocols: protocols.map((p) => p + '//').join(' / ') } },
  );

const plainAddress = z
  .string()
  .refine((value) => parseAddress(value).ok, { message: 'config.address' });

/** Read at start so that a bad path is reported with every other problem, not at the first TLS connection. */
const caFile = z.string().superRefine((path, ctx) => {
  const problem = caFileProblem(path);
  if (problem) ctx.addIssue({ code: 'custom', ...problem });
});

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function caFileProblem(path: string): { message: string; params?: MessageParams } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { message: 'config.ca_unreadable', params: { reason: (error as NodeJS.ErrnoException).code ?? String(error) } };
  }
  const certificates = text.match(PEM_CERTIFICATE) ?? [];
  if (certificates.length === 0) return { message: 'config.ca_no_certificate' };
  try {
    for (const certificate of certificates) new X509Certificate(certificate);
  } catch {
    return { message: 'config.ca_bad_certificate' };
  }
  return null;
}

const environmentSchema = z
  .object({
    TAYORI_DATA_DIR: z.string().min(1, 'config.required').default('./data'),
    TAYORI_DATABASE_URL: z
      .string()
      .optional()
      .refine((value) => value === undefined || /^(postgres|postgresql):|^sqlite:./.test(value), { message: 'config.database_url' }),
    TAYORI_DATABASE_POOL_SIZE: integer(10, 1, 1000),
    TAYORI_HOST: z
      .string()
      .min(1, 'config.required')
      .refine((value) => isIP(value) !== 0 || (!value.startsWith('[') && isValidHost(value)), { message: 'config.host' })
      .default('127.0.0.1'),
    TAYORI_PORT: integer(3000, 0, 65535),
    TAYORI_PUBLIC_URL: url(['http:', 'https:']).optional(),
    TAYORI_SECRET_KEY: z.string().optional(),
    TAYORI_MANAGED_SMTP_URL: url(['smtp:', 'smtps:']).optional(),
    TAYORI_MANAGED_FROM: plainAddress.optional(),
    TAYORI_DEV_MAILBOX: flag('0'),
    TAYORI_DEV_MAILBOX_PORT: integer(2525, 0, 65535),
    // The first administrator is created without the API, so the API's rules are applied here.
    TAYORI_INITIAL_ADMIN_LOGIN: z
      .string()
      .default('admin')
      .refine((value) => loginIdSchema.safeParse(value).success, { message: 'config.login_id' }),
    TAYORI_INITIAL_ADMIN_PASSWORD: z.string().min(8, 'config.password_length').optional(),
    TAYORI_INITIAL_ADMIN_EMAIL: plainAddress.optional(),
    TAYORI_GOOGLE_ISSUER: url(['http:', 'https:'])
      .default('https://accounts.google.com')
      .refine((value) => new URL(value).protocol === 'https:' || isLoopbackHost(new URL(value).hostname), {
        message: 'config.issuer_https',
      }),
    TAYORI_GMAIL_SMTP_HOST: z.string().min(1, 'config.required').default('smtp.gmail.com'),
    TAYORI_GMAIL_SMTP_PORT: integer(465, 1, 65535),
    TAYORI_SMTP_CA_FILE: caFile.optional(),
    TAYORI_TRUST_PROXY: trustedProxies,
    TAYORI_METRICS_PORT: optionalPort,
    TAYORI_LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'config.log_level' })
      .default('info'),

    // Times that tests shorten; defaults are the numbers of the SPEC.
    TAYORI_SESSION_IDLE_MINUTES: integer(120, 1, 60 * 24 * 30),
    TAYORI_SESSION_ABSOLUTE_HOURS: integer(12, 1, 24 * 90),
    TAYORI_LOGIN_RATE_LIMIT_PER_MINUTE: integer(30, 0, 100000),
    TAYORI_SMTP_CONNECT_TIMEOUT_MS: integer(10_000, 100, 600_000),
    TAYORI_SMTP_GREETING_TIMEOUT_MS: integer(10_000, 100, 600_000),
    TAYORI_SMTP_SOCKET_TIMEOUT_MS: integer(30_000, 100, 600_000),
    TAYORI_SMTP_FINAL_REPLY_TIMEOUT_MS: integer(600_000, 100, 3_600_000),
    TAYORI_TEST_MAIL_TIMEOUT_MS: integer(40_000, 100, 600_000),
    TAYORI_SMTP_SEND_TIMEOUT_MS: integer(120_000, 100, 3_600_000),
    TAYORI_OUTBOX_POLL_MS: integer(1_000, 10, 600_000),
    TAYORI_OUTBOX_LEASE_MS: integer(120_000, 100, 3_600_000),
    TAYORI_OUTBOX_CONCURRENCY: integer(5, 1, 100),
    TAYORI_OUTBOX_RETRY_BASE_MS: integer(30_000, 1, 3_600_000),
    TAYORI_OUTBOX_RETRY_MAX_MS: integer(3_600_000, 1, 86_400_000),
    TAYORI_OUTBOX_RETRY_WINDOW_HOURS: integer(24, 1, 24 * 14),
    TAYORI_TRANSPORT_ALERT_AFTER_MS: integer(300_000, 0, 86_400_000),
    TAYORI_RETENTION_DAYS: integer(90, 1, 3650),
    TAYORI_HEARTBEAT_LOSS_MINUTES: integer(15, 1, 24 * 60),
    // Not for production: the length of one minute for the monitor, and its leader's lease.
    TAYORI_MONITOR_MINUTE_MS: integer(60_000, 1, 60_000),
    TAYORI_MONITOR_LEASE_MS: integer(60_000, 100, 3_600_000),
  })
  .superRefine((env, ctx) => {
    const managed = [env.TAYORI_MANAGED_SMTP_URL, env.TAYORI_MANAGED_FROM];
    if (managed.some((v) => v !== undefined) && managed.some((v) => v === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.TAYORI_MANAGED_SMTP_URL === undefined ? 'TAYORI_MANAGED_SMTP_URL' : 'TAYORI_MANAGED_FROM'],
        message: 'config.managed_pair',
      });
    }
    // A first retry later than the longest one was taken without a word, and every retry waited the longest.
    if (env.TAYORI_OUTBOX_RETRY_BASE_MS > env.TAYORI_OUTBOX_RETRY_MAX_MS) {
      ctx.addIssue({ code: 'custom', path: ['TAYORI_OUTBOX_RETRY_BASE_MS'], message: 'config.retry_base_over_max' });
    }
    if (env.TAYORI_SECRET_KEY !== undefined) {
      for (const key of env.TAYORI_SECRET_KEY.split(',')) {
        if (Buffer.from(key.trim(), 'base64').length !== 32) {
          ctx.addIssue({
            code: 'custom',
            path: ['TAYORI_SECRET_KEY'],
            message: 'config.secret_key',
          });
          break;
        }
      }
    }
    // Zod skips a refinement once a field failed; these checks only read raw strings, so they
    // run anyway and every problem is reported at once.
  }, { when: () => true });

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Every bad variable, one line each (`TAYORI_PORT: must be between 0 and 65535`), in the operator's language. */
export class ConfigError extends Error {
  constructor(
    readonly problems: string[],
    locale: Locale,
  ) {
    super(`${t(locale, 'config.invalid')}\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Environment = Record<string, string | undefined>;

/**
 * The language of everything the command line says (results, errors, notices, configuration
 * problems): the first of LC_ALL, LC_MESSAGES and LANG that is set, English for `en…`, else
 * Japanese, the product's first language (also for C and POSIX). Logs stay English.
 */
export function consoleLocaleOf(env: Environment = process.env): Locale {
  const setting = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((value) => value !== undefined && value !== '');
  return setting?.toLowerCase().startsWith('en') ? 'en' : 'ja';
}

function describeIssue(issue: z.core.$ZodIssue, locale: Locale): string {
  const message = isMessageKey(issue.message) ? t(locale, issue.message, (issue as { params?: MessageParams }).params) : issue.message;
  return `${issue.path.join('.') || 'environment'}: ${message}`;
}

export function loadConfig(env: Environment = process.env) {
  const consoleLocale = consoleLocaleOf(env);
  const known = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => key.startsWith('TAYORI_') && value !== undefined && value !== ''),
  );
  const parsed = environmentSchema.safeParse(known);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => describeIssue(issue, consoleLocale)),
      consoleLocale,
    );
  }
  const e = parsed.data;
  const dataDir = resolve(e.TAYORI_DATA_DIR);
  const publicUrl = new URL(e.TAYORI_PUBLIC_URL ?? listeningUrl(e.TAYORI_HOST, e.TAYORI_PORT));
  return Object.freeze({
    consoleLocale,
    dataDir,
    database: databaseTarget(e.TAYORI_DATABASE_URL, dataDir, e.TAYORI_DATABASE_POOL_SIZE),
    host: e.TAYORI_HOST,
    port: e.TAYORI_PORT,
    publicUrl: publicUrl.toString().replace(/\/$/, ''),
    publicOrigin: publicUrl.origin,
    secureCookies: publicUrl.protocol === 'https:',
    secretKeys: e.TAYORI_SECRET_KEY?.split(',').map((k) => k.trim()),
    managedRelay:
      e.TAYORI_MANAGED_SMTP_URL && e.TAYORI_MANAGED_FROM
        ? { url: e.TAYORI_MANAGED_SMTP_URL, from: e.TAYORI_MANAGED_FROM }
        : undefined,
    devMailbox: { enabled: e.TAYORI_DEV_MAILBOX, port: e.TAYORI_DEV_MAILBOX_PORT },
    initialAdmin: {
      login: e.TAYORI_INITIAL_ADMIN_LOGIN,
      password: e.TAYORI_INITIAL_ADMIN_PASSWORD,
      email: e.TAYORI_INITIAL_ADMIN_EMAIL,
    },
    google: { issuer: e.TAYORI_GOOGLE_ISSUER },
    gmailSmtp: { host: e.TAYORI_GMAIL_SMTP_HOST, port: e.TAYORI_GMAIL_SMTP_PORT },
    smtpCaFile: e.TAYORI_SMTP_CA_FILE,
    trustProxy: e.TAYORI_TRUST_PROXY,
    metricsPort: e.TAYORI_METRICS_PORT,
    logLevel: e.TAYORI_LOG_LEVEL,
    sessions: {
      idleMs: e.TAYORI_SESSION_IDLE_MINUTES * 60_000,
      absoluteMs: e.TAYORI_SESSION_ABSOLUTE_HOURS * 3_600_000,
    },
    loginRateLimitPerMinute: e.TAYORI_LOGIN_RATE_LIMIT_PER_MINUTE,
    smtpTimeouts: {
      connectMs: e.TAYORI_SMTP_CONNECT_TIMEOUT_MS,
      greetingMs: e.TAYORI_SMTP_GREETING_TIMEOUT_MS,
      socketMs: e.TAYORI_SMTP_SOCKET_TIMEOUT_MS,
      /** The wait for the server's answer to a whole message (RFC 5321 §4.5.3.2.6: 10 minutes). */
      finalReplyMs: e.TAYORI_SMTP_FINAL_REPLY_TIMEOUT_MS,
      testMailMs: e.TAYORI_TEST_MAIL_TIMEOUT_MS,
      /** One whole send: a server that trickles bytes never trips the socket timeout, which counts silence. */
      sendMs: e.TAYORI_SMTP_SEND_TIMEOUT_MS,
    },
    outbox: {
      pollMs: e.TAYORI_OUTBOX_POLL_MS,
      leaseMs: e.TAYORI_OUTBOX_LEASE_MS,
      concurrency: e.TAYORI_OUTBOX_CONCURRENCY,
      retryBaseMs: e.TAYORI_OUTBOX_RETRY_BASE_MS,
      retryMaxMs: e.TAYORI_OUTBOX_RETRY_MAX_MS,
      retryWindowMs: e.TAYORI_OUTBOX_RETRY_WINDOW_HOURS * 3_600_000,
    },
    transportAlertAfterMs: e.TAYORI_TRANSPORT_ALERT_AFTER_MS,
    retentionMs: e.TAYORI_RETENTION_DAYS * 86_400_000,
    monitor: {
      /** [監視間隔], the heartbeat-loss window and the 長時間 hours all count minutes of this length. */
      minuteMs: e.TAYORI_MONITOR_MINUTE_MS,
      heartbeatLossMinutes: e.TAYORI_HEARTBEAT_LOSS_MINUTES,
      leaseMs: e.TAYORI_MONITOR_LEASE_MS,
    },
    unknownVariables: unknownVariablesOf(Object.keys(known)),
  });
}

/** TAYORI_ variables that are not settings of the process, and so not unknown ones. */
const NOT_SETTINGS = new Set(['TAYORI_REPORT_TOKEN', 'TAYORI_REQUIRE_POSTGRES']);

/**
 * TAYORI_ variables no setting has, each with the setting it most likely misspells: a typo
 * (TAYORI_METRIC_PORT) would otherwise leave its setting at the default without a word.
 */
function unknownVariablesOf(names: string[]): { name: string; didYouMean?: string }[] {
  const settings = Object.keys(environmentSchema.shape);
  return names
    .filter((name) => !(name in environmentSchema.shape) && !NOT_SETTINGS.has(name))
    .map((name) => {
      const nearest = settings.reduce((best, setting) => (editDistance(name, setting) < editDistance(name, best) ? setting : best));
      return editDistance(name, nearest) <= 3 ? { name, didYouMean: nearest } : { name };
    });
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length];
}

export type Config = ReturnType<typeof loadConfig>;

const LOCAL_HOSTS = new Set(['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost']);

/** Without TAYORI_PUBLIC_URL, the address the server listens at, as a browser on this machine reaches it. */
function listeningUrl(host: string, port: number): string {
  const name = LOCAL_HOSTS.has(host) ? 'localhost' : isIP(host) === 6 ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

export type DatabaseTarget = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string; poolSize: number };

function databaseTarget(url: string | undefined, dataDir: string, poolSize: number): DatabaseTarget {
  if (url === undefined) return { dialect: 'sqlite', file: resolve(dataDir, 'tayori.sqlite') };
  if (url.startsWith('sqlite:')) return { dialect: 'sqlite', file: resolve(url.slice('sqlite:'.length)) };
  return { dialect: 'postgres', url, poolSize };
}
