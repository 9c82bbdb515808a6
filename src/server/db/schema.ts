import type { ColumnType, Generated } from 'kysely';

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
  /** The To line, then Cc and Bcc apart, as the delivery log shows them. */
  recipients: string;
  cc_recipients: string;
  bcc_recipients: string;
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
  /** Bumped by a settings save or a successful check: workers on every instance end their back-off. */
  retry_generation: number;
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

/**
 * One OAuth provider's mail authorisation (Gmail: id 'google'), kept outside the versioned
 * settings document. Tokens and the PKCE verifier are encrypted; the state value is only hashed.
 */
export interface OauthAuthorisationsTable {
  id: string;
  state: 'unauthorised' | 'authorised' | 'reauth_required';
  account_email: string | null;
  authorised_at: string | null;
  refresh_token: string | null;
  access_token: string | null;
  access_token_expires_at: string | null;
  /** From this time on the access token is refreshed before it is used (shortly before it expires). */
  access_token_renew_at: string | null;
  /** The [認証情報を取得] flow waiting for Google's answer, bound to the admin's session. */
  pending_state_hash: string | null;
  pending_code_verifier: string | null;
  pending_session_id: string | null;
  pending_started_at: string | null;
  updated_at: string;
}

/** One run ("thread") of background work (SPEC §4): from runs.track, the report API or `tayori run`. */
export interface RunsTable {
  id: string;
  kind: 'data-source' | 'google-calendar-sync' | 'analytics-link';
  name: string;
  started_at: string;
  /** null: it never sent a heartbeat, so only 長時間 applies to it. */
  last_heartbeat_at: string | null;
  ended_at: string | null;
  /** null while running; 'failed' also once the monitor declared its heartbeats lost. */
  outcome: 'succeeded' | 'failed' | null;
  error: string | null;
  heartbeat_lost_at: string | null;
  /** When a look dealt with the outcome (reported, or seen while not watched); null: still to do. */
  outcome_seen_at: string | null;
  /** 1 when a digest listed the outcome. */
  outcome_reported: Generated<number>;
  /** 1 when the outcome was to be reported as the settings stood at its end; null: decided at the look. */
  outcome_watched: number | null;
  long_running_seen_at: string | null;
  long_running_reported: Generated<number>;
}

/** Per-kind tokens of external workers reporting runs over HTTP; only the sha256 is kept. */
export interface ReportTokensTable {
  id: string;
  name: string;
  kind: 'data-source' | 'google-calendar-sync' | 'analytics-link';
  token_hash: string;
  created_at: string;
  created_by: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

/** One row per look of the monitor, written by the leader under its lease. */
export interface MonitorLooksTable {
  id: string;
  at: string;
  owner: string;
  fencing_token: number;
}

/** The digest mails of a look: one per kind at most. */
export interface MonitorDigestsTable {
  mail_id: string;
  look_id: string;
  kind: 'data-source' | 'google-calendar-sync' | 'analytics-link';
  at: string;
  runs: number;
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
  /** Failures since the count was last reset (a success, a suspension, a lifting). */
  failure_count: number;
  /** The first of those failures. */
  first_failure_at: string | null;
  /** The latest failures' times (at most 99), oldest first, each 24 characters: the sliding counting window. */
  recent_failures: ColumnType<string, string | undefined, string>;
  last_failure_at: string | null;
  last_ip: string | null;
  /** Kept after the suspension ends; a suspension is in force while resumes_at is null or later than now. */
  suspended_at: string | null;
  /** null: 無期限. Lifting a suspension moves it to the moment of lifting. */
  resumes_at: string | null;
  /** How many failures led to the suspension. */
  suspension_failures: number | null;
}

/** A client's requests in the current window of a rate limit, shared by every instance. */
export interface RateLimitCountersTable {
  key: string;
  window_started_at: string;
  hits: number;
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
  oauth_authorisations: OauthAuthorisationsTable;
  runs: RunsTable;
  report_tokens: ReportTokensTable;
  monitor_looks: MonitorLooksTable;
  monitor_digests: MonitorDigestsTable;
  lockout_policy: LockoutPolicyTable;
  account_lockouts: AccountLockoutsTable;
  rate_limit_counters: RateLimitCountersTable;
}
