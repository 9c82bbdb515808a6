import pino, { type Logger } from 'pino';

/** Paths that may hold a secret in anything we log; pino replaces them before writing. */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'currentPassword',
  'newPassword',
  '*.smtpPassword',
  '*.clientSecret',
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'token',
  '*.token',
  'accessToken',
  'refreshToken',
  '*.accessToken',
  '*.refreshToken',
  'auth',
  '*.auth',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[secret]' }, base: { app: 'tayori' } }, destination);
}
