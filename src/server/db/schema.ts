/**
 * Table shapes, as Kysely sees them. Conventions (ARCHITECTURE.md §7): IDs are text made in
 * TypeScript, times are ISO-8601 UTC text (`Date#toISOString`, so text order is time order),
 * booleans are 0/1 integers, structured values are JSON text.
 */

export interface OrganisationTable {
  id: number;
  name: string;
  default_locale: string;
  time_zone: string;
  updated_at: string;
}

export interface UsersTable {
  id: string;
  login_id: string;
  display_name: string;
  email: string | null;
  role: 'admin' | 'user';
  locale: 'ja' | 'en';
  time_zone: string;
  active: number;
  password_hash: string;
  password_changed_at: string;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  /** sha256 of the cookie value: a database leak gives no usable session. */
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface AuditLogTable {
  id: string;
  at: string;
  actor_user_id: string | null;
  actor_login: string | null;
  action: string;
  target: string | null;
  /** JSON: { before?, after?, ... } with secrets already masked. */
  details: string;
  ip: string | null;
}

export interface MailSettingsTable {
  id: number;
  /** JSON of the non-secret settings (contracts/mail-settings.ts, StoredMailSettings). */
  document: string;
  smtp_password: string | null;
  gmail_client_secret: string | null;
  gmail_refresh_token: string | null;
  gmail_access_token: string | null;
  version: number;
  updated_at: string;
  updated_by: string | null;
}

export interface MailOutboxTable {
  id: string;
  message_id: string;
  kind: string;
  state: 'queued' | 'sending' | 'sent' | 'failed' | 'suppressed';
  /** JSON: the whole message (to, cc, bcc, subject, text, html, replyTo, attachments). */
  message: string;
  recipients: string;
  subject: string;
  attempts: number;
  created_at: string;
  next_attempt_at: string;
  /** End of the retry window: after it a still-unsent mail fails. */
  expires_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  send_started_at: string | null;
  finished_at: string | null;
  last_error: string | null;
  last_error_code: string | null;
  service_token_id: string | null;
  idempotency_key: string | null;
}

export interface ServiceTokensTable {
  id: string;
  name: string;
  token_hash: string;
  created_at: string;
  created_by: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface TransportStateTable {
  id: number;
  state: 'ok' | 'failing';
  failing_since: string | null;
  last_success_at: string | null;
  last_failure_at: string | null;
  last_error: string | null;
  last_error_code: string | null;
  alerted_at: string | null;
}

/** One row per "only one of us" job (the monitor's leadership, a token refresh): see leases/lease.ts. */
export interface LeasesTable {
  name: string;
  owner: string;
  /** Grows by one each time the lease changes hands: a write carrying an older token is refused. */
  fencing_token: number;
  acquired_at: string;
  expires_at: string;
}

/** The アカウント停止 policy (SPEC §3): one row, versioned like the mail settings; absent until first saved. */
export interface LockoutPolicyTable {
  id: number;
  threshold: number;
  window_minutes: number;
  /** null: 無期限, until an administrator lifts the suspension. */
  duration_minutes: number | null;
  version: number;
  updated_at: string;
  updated_by: string | null;
}

/** Each account's login failures and suspension: runtime state, written by one atomic statement per failure. */
export interface AccountLockoutsTable {
  user_id: string;
  failure_count: number;
  last_failure_at: string | null;
  last_ip: string | null;
  /** Kept after the suspension ends; a suspension is in force while resumes_at is null or later than now. */
  suspended_at: string | null;
  /** null: 無期限. Lifting a suspension moves it to the moment of lifting. */
  resumes_at: string | null;
  /** How many failures led to the suspension. */
  suspension_failures: number | null;
}

export interface DB {
  organisation: OrganisationTable;
  users: UsersTable;
  sessions: SessionsTable;
  audit_log: AuditLogTable;
  mail_settings: MailSettingsTable;
  mail_outbox: MailOutboxTable;
  service_tokens: ServiceTokensTable;
  transport_state: TransportStateTable;
  leases: LeasesTable;
  lockout_policy: LockoutPolicyTable;
  account_lockouts: AccountLockoutsTable;
}
