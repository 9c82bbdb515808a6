import { z } from 'zod';
import { addressListSchema, addressSchema } from './address.js';
import { CONTROL_CHARACTERS, singleLineText } from './common.js';

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
    const bytes = message.attachments.reduce((sum, a) => sum + Buffer.byteLength(a.content, 'base64'), 0);
    if (bytes > MAX_ATTACHMENTS_BYTES) {
      ctx.addIssue({ code: 'custom', path: ['attachments'], message: 'mail.attachments_too_large', params: { max: '10 MB' } });
    }
  });

export type OutgoingMessage = z.infer<typeof outgoingMessageSchema>;
export type OutgoingMessageInput = z.input<typeof outgoingMessageSchema>;

export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(200)
  .refine((value) => !CONTROL_CHARACTERS.test(value), { message: 'validation.control_chars' });

/** The headers of POST /api/mail/messages that the API reads, named as a client sends them. */
export const mailRequestHeadersSchema = z.object({ 'Idempotency-Key': idempotencyKeySchema.optional() });
