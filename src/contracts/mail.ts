import { z } from 'zod';
import { addressListSchema, addressSchema } from './address.js';
import { CONTROL_CHARACTERS, requiredText, singleLineText } from './common.js';

/** Mail the application hands to Tayori (SPEC §2.2): POST /api/mail/messages and mail.enqueue(). */

export const MAX_ATTACHMENTS_BYTES = 10 * 1024 * 1024;

export const MAIL_KINDS = ['app', 'suspension', 'monitor', 'alert', 'test'] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

export const DELIVERY_STATES = ['queued', 'sending', 'sent', 'failed', 'suppressed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

const attachmentSchema = z.strictObject({
  filename: singleLineText(255).min(1),
  contentType: z
    .string()
    .max(255)
    .regex(/^[\w.+-]+\/[\w.+-]+$/, { message: 'validation.invalid' })
    .default('application/octet-stream'),
  /** base64 */
  content: z.string().max(Math.ceil((MAX_ATTACHMENTS_BYTES * 4) / 3) + 4).regex(/^[A-Za-z0-9+/=\s]*$/, { message: 'validation.invalid' }),
});

export const outgoingMessageSchema = z
  .strictObject({
    to: addressListSchema.default([]),
    cc: addressListSchema.default([]),
    bcc: addressListSchema.default([]),
    replyTo: addressSchema.optional(),
    subject: singleLineText(998),
    text: z.string().max(2_000_000).optional(),
    html: z.string().max(5_000_000).optional(),
    attachments: z.array(attachmentSchema).max(50).default([]),
  })
  .superRefine((message, ctx) => {
    if (message.to.length + message.cc.length + message.bcc.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'mail.no_recipients' });
    }
    if (message.text === undefined && message.html === undefined) {
      ctx.addIssue({ code: 'custom', path: ['text'], message: 'mail.no_body' });
    }
    for (const [field, body] of [['text', message.text], ['html', message.html]] as const) {
      if (body?.includes('\u0000')) ctx.addIssue({ code: 'custom', path: [field], message: 'validation.control_chars' });
    }
    const bytes = message.attachments.reduce((sum, a) => sum + base64DecodedLength(a.content), 0);
    if (bytes > MAX_ATTACHMENTS_BYTES) {
      ctx.addIssue({ code: 'custom', path: ['attachments'], message: 'mail.attachments_too_large', params: { max: '10 MB' } });
    }
  });

/** The bytes a base64 text decodes to, counted as Node's `Buffer.byteLength(text, 'base64')` does. */
export function base64DecodedLength(base64: string): number {
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

/** An error as stored with a mail or the transport: a message in the reader's language and the server's reply. */
export const storedErrorViewSchema = z.object({
  code: z.string(),
  message: z.string(),
  reply: z.string().nullable(),
});

/** One row of the delivery log (GET /api/mail/deliveries). */
export const deliveryViewSchema = z.object({
  id: z.string(),
  messageId: z.string(),
  kind: z.string(),
  state: z.enum(DELIVERY_STATES),
  to: z.string(),
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
