/**
 * Every column that holds a secret encrypted with the secret box. Rotation re-encrypts exactly
 * these; the purpose string (table.column) is the ciphertext's authenticated data.
 */
export const SECRET_COLUMNS = [
  { table: 'mail_settings', column: 'smtp_password' },
  { table: 'mail_settings', column: 'gmail_client_secret' },
  { table: 'oauth_authorisations', column: 'refresh_token' },
  { table: 'oauth_authorisations', column: 'access_token' },
  { table: 'oauth_authorisations', column: 'pending_code_verifier' },
] as const;

export type SecretColumn = (typeof SECRET_COLUMNS)[number];

export const purposeOf = (secret: SecretColumn) => `${secret.table}.${secret.column}`;
