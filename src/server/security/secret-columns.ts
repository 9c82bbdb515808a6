/**
 * Every column that holds a secret encrypted with the secret box. Rotation re-encrypts exactly
 * these; the purpose string (table.column) is the ciphertext's authenticated data.
 */
export const SECRET_COLUMNS = [
  { table: 'mail_settings', column: 'smtp_password' },
  { table: 'mail_settings', column: 'gmail_client_secret' },
  { table: 'mail_settings', column: 'gmail_refresh_token' },
  { table: 'mail_settings', column: 'gmail_access_token' },
] as const;

export type SecretColumn = (typeof SECRET_COLUMNS)[number];

export const purposeOf = (secret: SecretColumn) => `${secret.table}.${secret.column}`;
