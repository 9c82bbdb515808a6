import { z } from 'zod';
import { addressSchema } from './address.js';
import { mailSettingsFormSchema } from './mail-settings.js';

/**
 * The body of [接続テスト] and [テストメール送信]: the form as it is on the screen (not yet
 * saved). Only the server part and the sender are read, the rest of the form is ignored, so an
 * unfinished field elsewhere on the screen does not stop a test.
 */
export const mailCheckRequestSchema = z.object({
  server: mailSettingsFormSchema.shape.server,
  smtp: mailSettingsFormSchema.shape.smtp,
  senderAddress: mailSettingsFormSchema.shape.senderAddress,
  /** [テストメール送信] only: where to send it; the admin's own address when omitted. */
  to: addressSchema.optional(),
});
export type MailCheckRequest = z.infer<typeof mailCheckRequestSchema>;

/** In managed mode the relay is tested whatever the form says: only the recipient is read. */
export const managedCheckRequestSchema = mailCheckRequestSchema.pick({ to: true });

/** A check answers in place: a failing server is `ok: false` with a message that says what to check. */
export const mailCheckOutcomeSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    message: z.string(),
    /** The address used for RCPT TO, or the test mail's recipient. */
    recipient: z.string(),
    /** Said beside a success that is weaker than it looks: [証明書を検証しない] was on. */
    warning: z.string().optional(),
  }),
  z.object({
    ok: z.literal(false),
    scope: z.enum(['transport', 'transient', 'permanent']),
    code: z.string(),
    message: z.string(),
    reply: z.string().optional(),
  }),
]);
export type MailCheckOutcome = z.infer<typeof mailCheckOutcomeSchema>;
