import { z } from 'zod';
import { MAX_ADDRESSES, parseAddress, parseAddressList, toAsciiAddress } from './address.js';
import { CONTROL_CHARACTERS, oneLineProblem, requiredText, singleLineText } from './common.js';
import { storedErrorViewSchema } from './stored-error.js';

/** Mail the application hands to Tayori (SPEC §2.2): POST /api/mail/messages and mail.enqueue(). */

export const MAX_ATTACHMENTS_BYTES = 10 * 1024 * 1024;

export const MAIL_KINDS = ['app', 'suspension', 'monitor', 'alert', 'test'] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

export const DELIVERY_STATES = ['queued', 'sending', 'sent', 'failed', 'suppressed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

const withoutWhitespace = (text: string) => text.replace(/\s+/g, '');

/**
 * base64 as MIME writes it: whole groups of four, `=` only as the last group's padding (spaces and
 * line breaks aside). Not one regular expression of groups: over 14 million characters its
 * backtracking overflowed the stack (a 500).
 */
function isBase64(text: string): boolean {
  const base64 = withoutWhitespace(text);
  return base64.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(base64);
}

const attachmentSchema = z.strictObject({
  filename: singleLineText(255).min(1),
  /**
   * `type/subtype`, with parameters if any: a Shift_JIS CSV for Excel says so with
   * `text/csv; charset=Shift_JIS` (refused before, so clients showed it garbled). Left out, the
   * type follows the file name (請求書.xlsx is a spreadsheet; before, every such file was
   * application/octet-stream).
   */
  contentType: z
    .string()
    .max(255)
    .regex(/^[\w.+-]+\/[\w.+-]+(?:\s*;\s*[\w.+-]+=(?:[\w.+-]+|"[^"\\\u0000-\u001f\u007f-\u009f\u2028\u2029]*"))*$/, { message: 'validation.invalid' })
    // A container type makes a MIME part that holds no file (multipart/*) or is sent undecoded (message/*).
    .refine((type) => !/^(?:multipart|message)\//i.test(type), { message: 'mail.attachment_container_type' })
    .optional(),
  /**
   * base64; its size counts towards MAX_ATTACHMENTS_BYTES, checked once for all attachments (the
   * request's size is bounded anyway). Checked whole: Node's decoder stops at the first `=`, so
   * `QQ==QkM=` (two padded chunks joined) arrived as one byte of three, with 202.
   */
  content: z.string().refine(isBase64, { message: 'mail.attachment_not_base64' }),
});

/**
 * A recipient or reply-to as the application gives it: a plain address, or an address with a name
 * for ordinary business mail (`{"name": "山田 太郎 様", "address": "yamada@example.jp"}` becomes
 * `"山田 太郎 様" <yamada@example.jp>`, the name encoded per RFC 2047 on the wire). The name may be
 * left out, as nodemailer allows.
 */
export type Mailbox = string | { name: string; address: string };

export const MAX_DISPLAY_NAME = 200;

const mailboxInput = z.union([z.string().max(1000), z.strictObject({ name: z.string().max(1000).optional(), address: z.string().max(1000) })], {
  error: 'mail.mailbox_shape',
});

/**
 * A subject with no space to fold at goes out on one header line, which may hold 998 octets
 * with its leading space: a 998-character one made 999, and a strict server (Exim) refuses that.
 */
export const MAX_SUBJECT = 990;

type Issue = { message: string; path: (string | number)[]; params?: Record<string, string | number> };

/** A name as it may appear in a header: one line, trimmed; an empty one means none. */
function parseDisplayName(raw: string, path: (string | number)[], issues: Issue[]): string | null {
  const oneLine = oneLineProblem(raw);
  if (oneLine) {
    issues.push({ message: oneLine, path });
    return null;
  }
  const name = raw.trim();
  if (name.length > MAX_DISPLAY_NAME) issues.push({ message: 'validation.too_long', path, params: { max: MAX_DISPLAY_NAME } });
  return name === '' ? null : name;
}

function parseMailbox(input: z.infer<typeof mailboxInput>, path: (string | number)[], issues: Issue[]): Mailbox | null {
  const raw = typeof input === 'string' ? input : input.address;
  const addressPath = typeof input === 'string' ? path : [...path, 'address'];
  const parsed = parseAddress(raw);
  if (!parsed.ok) {
    issues.push({ message: parsed.problem.code, path: addressPath, params: { item: parsed.problem.item } });
    return null;
  }
  const name = typeof input === 'string' || input.name === undefined ? null : parseDisplayName(input.name, [...path, 'name'], issues);
  return name === null ? parsed.address : { name, address: parsed.address };
}

export const mailboxAddress = (mailbox: Mailbox) => (typeof mailbox === 'string' ? mailbox : mailbox.address);

/** `"山田 太郎 様" <yamada@example.jp>`, for the delivery log. */
export const formatMailbox = (mailbox: Mailbox) =>
  typeof mailbox === 'string' ? mailbox : `"${mailbox.name.replace(/["\\]/g, '\\$&')}" <${mailbox.address}>`;

/** to / cc / bcc: `a@x.jp; b@y.jp` as on the screen, or an array of addresses and {name, address}. */
const recipientListSchema = z.union([z.string().max(100_000), z.array(mailboxInput)], { error: 'mail.recipients_shape' }).transform((value, ctx) => {
  const issues: Issue[] = [];
  const mailboxes: Mailbox[] = [];
  if (typeof value === 'string') {
    const parsed = parseAddressList(value);
    if (parsed.ok) mailboxes.push(...parsed.addresses);
    else for (const problem of parsed.problems) issues.push({ message: problem.code, path: [], params: { item: problem.item, max: MAX_ADDRESSES } });
  } else if (value.length > MAX_ADDRESSES) {
    issues.push({ message: 'address.too_many', path: [], params: { item: value.length, max: MAX_ADDRESSES } });
  } else {
    const seen = new Set<string>();
    value.forEach((item, index) => {
      const mailbox = parseMailbox(item, [index], issues);
      if (mailbox === null) return;
      const key = toAsciiAddress(mailboxAddress(mailbox));
      if (seen.has(key)) return;
      seen.add(key);
      mailboxes.push(mailbox);
    });
  }
  for (const issue of issues) ctx.addIssue({ code: 'custom', ...issue });
  return issues.length > 0 ? z.NEVER : mailboxes;
});

const replyToSchema = mailboxInput.transform((value, ctx) => {
  const issues: Issue[] = [];
  const mailbox = parseMailbox(value, [], issues);
  for (const issue of issues) ctx.addIssue({ code: 'custom', ...issue });
  return mailbox ?? z.NEVER;
});

/** The name shown with the configured sender address: `"株式会社サンプル 営業部" <sender>`. */
const fromNameSchema = z
  .string()
  .max(1000)
  .transform((value, ctx) => {
    const issues: Issue[] = [];
    const name = parseDisplayName(value, [], issues);
    for (const issue of issues) ctx.addIssue({ code: 'custom', ...issue });
    return issues.length > 0 ? z.NEVER : (name ?? undefined);
  });

/**
 * A field sent as null counts as left out: many JSON serialisers (Jackson, System.Text.Json, Go's
 * pointers) write a field that was not set as null.
 */
const leftOutWhenNull = <T extends z.ZodType>(schema: T) =>
  schema
    .nullable()
    .transform((value) => value ?? undefined)
    .optional();
const emptyWhenNull = <Item, Input>(schema: z.ZodType<Item[], Input>) =>
  schema
    .nullable()
    .transform((value): Item[] => value ?? [])
    .default([]);

export const outgoingMessageSchema = z
  .strictObject({
    to: emptyWhenNull(recipientListSchema),
    cc: emptyWhenNull(recipientListSchema),
    bcc: emptyWhenNull(recipientListSchema),
    replyTo: leftOutWhenNull(replyToSchema),
    fromName: leftOutWhenNull(fromNameSchema),
    subject: singleLineText(MAX_SUBJECT),
    text: leftOutWhenNull(z.string().max(2_000_000)),
    html: leftOutWhenNull(z.string().max(5_000_000)),
    attachments: emptyWhenNull(
      z
        .array(attachmentSchema)
        .max(50)
        .refine((attachments) => attachments.reduce((sum, a) => sum + base64DecodedLength(a.content), 0) <= MAX_ATTACHMENTS_BYTES, {
          error: 'mail.attachments_too_large',
          params: { max: `${MAX_ATTACHMENTS_BYTES / (1024 * 1024)} MB` },
        }),
    ),
  })
  .superRefine(
    (message, ctx) => {
      const recipientLists: unknown[] = [message.to, message.cc, message.bcc];
      if (recipientLists.every((list) => Array.isArray(list) && list.length === 0)) {
        ctx.addIssue({ code: 'custom', path: ['to'], message: 'mail.no_recipients' });
      }
      if (message.text === undefined && message.html === undefined) {
        ctx.addIssue({ code: 'custom', path: ['text'], message: 'mail.no_body' });
      }
      for (const [field, body] of [['text', message.text], ['html', message.html]] as const) {
        if (typeof body === 'string' && body.includes('\u0000')) ctx.addIssue({ code: 'custom', path: [field], message: 'validation.control_chars' });
      }
    },
    {
      // Also while other fields have problems, so that one answer lists them all. A field that
      // failed holds what was sent, or no list at all for recipients, which is then not "none".
      when: (payload) => typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value),
    },
  );

/** The bytes a base64 text decodes to; line breaks and spaces (MIME wraps at 76) count for nothing. */
export function base64DecodedLength(wrapped: string): number {
  const base64 = withoutWhitespace(wrapped);
  let length = base64.length;
  if (base64.charCodeAt(length - 1) === 0x3d) length -= 1;
  if (length > 1 && base64.charCodeAt(length - 1) === 0x3d) length -= 1;
  return (length * 3) >>> 2;
}

export type OutgoingMessage = z.infer<typeof outgoingMessageSchema>;
export type OutgoingMessageInput = z.input<typeof outgoingMessageSchema>;

export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(200)
  .refine((value) => !CONTROL_CHARACTERS.test(value), { message: 'validation.control_chars' });

/** The headers of POST /api/mail/messages that the API reads, named as a client sends them. */
export const mailRequestHeadersSchema = z.object({ 'Idempotency-Key': idempotencyKeySchema.optional() });


/** One row of the delivery log (GET /api/mail/deliveries). */
export const deliveryViewSchema = z.object({
  id: z.string(),
  messageId: z.string(),
  kind: z.string(),
  state: z.enum(DELIVERY_STATES),
  /** The To line as written (names included); Cc and Bcc apart. */
  to: z.string(),
  cc: z.string(),
  bcc: z.string(),
  subject: z.string(),
  attempts: z.number().int(),
  createdAt: z.string(),
  nextAttemptAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  lastError: storedErrorViewSchema.nullable(),
});
export type DeliveryView = z.infer<typeof deliveryViewSchema>;

export const deliveryPageSchema = z.object({
  deliveries: z.array(deliveryViewSchema),
  nextCursor: z.string().nullable(),
});

/** POST /api/mail/tokens: a name that says what uses the token. */
export const createServiceTokenRequest = z.strictObject({ name: requiredText(100) });

/** A service token as listed; the token itself appears only in the answer that creates it. */
export const serviceTokenViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export type ServiceTokenView = z.infer<typeof serviceTokenViewSchema>;

export const createdServiceTokenSchema = serviceTokenViewSchema.extend({ token: z.string() });
