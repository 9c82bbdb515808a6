import { z } from 'zod';

/** 開発用メールボックス (SPEC §2.6): what its SMTP server received, as the admin API shows it. */
export const devMailSummarySchema = z.object({
  id: z.string(),
  received: z.string(),
  from: z.string().nullable(),
  to: z.array(z.string()),
  subject: z.string().nullable(),
  messageId: z.string().nullable(),
});

export const devMailboxListSchema = z.object({
  banner: z.string(),
  messages: z.array(devMailSummarySchema),
});
export type DevMailboxList = z.infer<typeof devMailboxListSchema>;

export const devMailSchema = z.object({
  banner: z.string(),
  message: devMailSummarySchema.extend({
    headers: z.array(z.object({ name: z.string(), value: z.string() })),
    text: z.string().nullable(),
    /** The mail's own HTML: show it only in a sandboxed frame without scripts. */
    html: z.string().nullable(),
  }),
});
export type DevMail = z.infer<typeof devMailSchema>;
