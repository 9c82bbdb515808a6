import { z } from 'zod';

/** An error as stored with a mail or the transport: a message in the reader's language and the server's reply. */
export const storedErrorViewSchema = z.object({
  code: z.string(),
  message: z.string(),
  reply: z.string().nullable(),
});
