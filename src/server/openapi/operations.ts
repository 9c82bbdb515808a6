import type { z } from 'zod';
import {
  changeOwnPasswordRequest,
  createUserRequest,
  loginRequest,
  organisationView,
  sessionViewSchema,
  setPasswordRequest,
  updateMeRequest,
  updateOrganisationRequest,
  updateUserRequest,
  userView,
} from '../../contracts/accounts.js';
import {
  createdReportTokenAnswerSchema,
  createdServiceTokenAnswerSchema,
  livenessSchema,
  organisationAnswerSchema,
  reportTokenAnswerSchema,
  reportTokenListSchema,
  serviceTokenAnswerSchema,
  serviceTokenListSchema,
  startedRunSchema,
  submittedMailSchema,
  userAnswerSchema,
  userListSchema,
} from '../../contracts/answers.js';
import { auditEntryViewSchema, auditPageSchema } from '../../contracts/audit.js';
import { devMailboxListSchema, devMailSchema } from '../../contracts/dev-mailbox.js';
import { errorBodySchema } from '../../contracts/errors.js';
import { healthViewSchema } from '../../contracts/health.js';
import { lockoutPolicyForm, lockoutPolicyView, suspensionList, suspensionView } from '../../contracts/lockout.js';
import { mailCheckOutcomeSchema, mailCheckRequestSchema } from '../../contracts/mail-checks.js';
import {
  GMAIL_CALLBACK_REFUSALS,
  gmailAuthorizeRequestSchema,
  gmailAuthorizeResponseSchema,
  mailSettingsFormSchema,
  mailSettingsViewSchema,
} from '../../contracts/mail-settings.js';
import {
  createdServiceTokenSchema,
  createServiceTokenRequest,
  deliveryPageSchema,
  deliveryViewSchema,
  mailRequestHeadersSchema,
  outgoingMessageSchema,
  serviceTokenViewSchema,
} from '../../contracts/mail.js';
import {
  createdReportTokenSchema,
  createReportTokenRequest,
  finishRunRequest,
  monitorStatusView,
  reportTokenView,
  runPageSchema,
  runView,
  startRunRequest,
} from '../../contracts/monitoring.js';
import { storedErrorViewSchema } from '../../contracts/stored-error.js';
import { openApiDocumentSchema } from '../../contracts/openapi.js';
import {
  auditQuerySchema,
  deliveryLogQuerySchema,
  gmailCallbackQuerySchema,
  idParamsSchema,
  runsQuerySchema,
  suspensionParamsSchema,
} from '../../contracts/parameters.js';

/**
 * What /api/openapi.json says about each route, by `METHOD url` as the route is registered. Who
 * may call a route is not written here: the document takes it from the route's own
 * `config.access`, the one the guard enforces. test/openapi.test.ts fails while a registered route
 * is missing here, or an entry here names no route.
 */

/** An answer of a route: its body's contract, or a description for one that is not JSON (204, 302, a page). */
export type Answer = z.ZodType | { description: string; schema?: z.ZodType; mediaType?: string; headers?: Record<string, string> };

export interface Operation {
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  /** Path parameters, query string and headers the route reads: object schemas of the contracts. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  headers?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, Answer>;
  /** Refusals particular to this route (status → when); those of its access and its inputs are added. */
  refusals?: Record<number, string>;
}

/** Contracts listed under components.schemas, by the name a client generator gives their type; others are inlined. */
export const RESPONSE_SCHEMAS: Record<string, z.ZodType> = {
  Error: errorBodySchema,
  Liveness: livenessSchema,
  Health: healthViewSchema,
  StoredError: storedErrorViewSchema,
  Session: sessionViewSchema,
  User: userView,
  UserList: userListSchema,
  UserAnswer: userAnswerSchema,
  Organisation: organisationView,
  OrganisationAnswer: organisationAnswerSchema,
  AuditEntry: auditEntryViewSchema,
  AuditPage: auditPageSchema,
  MailSettings: mailSettingsViewSchema,
  MailCheckOutcome: mailCheckOutcomeSchema,
  GmailAuthorizeAnswer: gmailAuthorizeResponseSchema,
  DevMailboxList: devMailboxListSchema,
  DevMail: devMailSchema,
  Delivery: deliveryViewSchema,
  DeliveryPage: deliveryPageSchema,
  SubmittedMail: submittedMailSchema,
  ServiceToken: serviceTokenViewSchema,
  ServiceTokenList: serviceTokenListSchema,
  ServiceTokenAnswer: serviceTokenAnswerSchema,
  CreatedServiceToken: createdServiceTokenSchema,
  CreatedServiceTokenAnswer: createdServiceTokenAnswerSchema,
  Run: runView,
  RunPage: runPageSchema,
  StartedRun: startedRunSchema,
  MonitorStatus: monitorStatusView,
  ReportToken: reportTokenView,
  ReportTokenList: reportTokenListSchema,
  ReportTokenAnswer: reportTokenAnswerSchema,
  CreatedReportToken: createdReportTokenSchema,
  CreatedReportTokenAnswer: createdReportTokenAnswerSchema,
  LockoutPolicy: lockoutPolicyView,
  Suspension: suspensionView,
  SuspensionList: suspensionList,
  OpenApiDocument: openApiDocumentSchema,
};

export const REQUEST_SCHEMAS: Record<string, z.ZodType> = {
  LoginRequest: loginRequest,
  CreateUserRequest: createUserRequest,
  UpdateUserRequest: updateUserRequest,
  SetPasswordRequest: setPasswordRequest,
  UpdateMeRequest: updateMeRequest,
  ChangeOwnPasswordRequest: changeOwnPasswordRequest,
  UpdateOrganisationRequest: updateOrganisationRequest,
  MailSettingsForm: mailSettingsFormSchema,
  MailCheckRequest: mailCheckRequestSchema,
  GmailAuthorizeRequest: gmailAuthorizeRequestSchema,
  OutgoingMessage: outgoingMessageSchema,
  CreateServiceTokenRequest: createServiceTokenRequest,
  StartRunRequest: startRunRequest,
  FinishRunRequest: finishRunRequest,
  CreateReportTokenRequest: createReportTokenRequest,
  LockoutPolicyForm: lockoutPolicyForm,
};

const noContent = (description: string): Answer => ({ description });
const VERSION_CONFLICT = 'The `version` sent is older than the saved one: someone saved in between. Load again.';
const DEV_MAILBOX_OFF = 'TAYORI_DEV_MAILBOX is off.';

export const OPERATIONS: Record<string, Operation> = {
  'GET /healthz': {
    operationId: 'getLiveness',
    tag: 'health',
    summary: 'Whether this instance can serve (for a load balancer)',
    responses: { 200: livenessSchema, 503: { description: 'The database cannot be reached.', schema: livenessSchema } },
  },
  'GET /api/health': {
    operationId: 'getHealth',
    tag: 'health',
    summary: 'Database, transport state, outbox counts and the dev mailbox: what the admin banners show',
    responses: { 200: healthViewSchema },
  },
  'GET /api/openapi.json': {
    operationId: 'getOpenApiDocument',
    tag: 'health',
    summary: 'This document',
    responses: { 200: openApiDocumentSchema },
  },

  'POST /api/session': {
    operationId: 'signIn',
    tag: 'session',
    summary: 'Sign in: sets the session cookie; the answer holds the csrfToken for X-CSRF-Token',
    body: loginRequest,
    responses: { 200: { description: 'Signed in.', schema: sessionViewSchema, headers: { 'Set-Cookie': 'tayori_session: HttpOnly, SameSite=Lax, Secure under https.' } } },
    refusals: {
      401: 'Unknown login ID, wrong password, inactive or suspended account: one and the same refusal.',
      403: 'Posted from another origin.',
      429: 'Too many sign-in attempts from this address (TAYORI_LOGIN_RATE_LIMIT_PER_MINUTE).',
    },
  },
  'GET /api/session': {
    operationId: 'getSession',
    tag: 'session',
    summary: 'The signed-in user and the csrfToken',
    responses: { 200: sessionViewSchema },
  },
  'DELETE /api/session': {
    operationId: 'signOut',
    tag: 'session',
    summary: 'Sign out',
    responses: { 204: noContent('Signed out; the cookie is cleared.') },
  },

  'GET /api/me': { operationId: 'getMe', tag: 'users', summary: 'Own profile', responses: { 200: userAnswerSchema } },
  'PUT /api/me': {
    operationId: 'updateMe',
    tag: 'users',
    summary: 'Change own name, e-mail, language or time zone',
    body: updateMeRequest,
    responses: { 200: userAnswerSchema },
  },
  'PUT /api/me/password': {
    operationId: 'changeOwnPassword',
    tag: 'users',
    summary: 'Change own password (the current one required); other sessions end',
    body: changeOwnPasswordRequest,
    responses: { 204: noContent('Changed.') },
  },
  'GET /api/users': { operationId: 'listUsers', tag: 'users', summary: 'Users', responses: { 200: userListSchema } },
  'POST /api/users': {
    operationId: 'createUser',
    tag: 'users',
    summary: 'Create a user',
    body: createUserRequest,
    responses: { 201: userAnswerSchema },
  },
  'GET /api/users/:id': { operationId: 'getUser', tag: 'users', summary: 'One user', params: idParamsSchema, responses: { 200: userAnswerSchema } },
  'PUT /api/users/:id': {
    operationId: 'updateUser',
    tag: 'users',
    summary: 'Change a user; deactivating ends their sessions',
    params: idParamsSchema,
    body: updateUserRequest,
    responses: { 200: userAnswerSchema },
    refusals: { 409: 'The last active administrator would be deactivated or demoted, or you would deactivate yourself.' },
  },
  'PUT /api/users/:id/password': {
    operationId: 'setUserPassword',
    tag: 'users',
    summary: "Set a user's password; their sessions end",
    params: idParamsSchema,
    body: setPasswordRequest,
    responses: { 204: noContent('Set.') },
  },
  'GET /api/organisation': { operationId: 'getOrganisation', tag: 'organisation', summary: 'Name, default language, time zone', responses: { 200: organisationAnswerSchema } },
  'PUT /api/organisation': {
    operationId: 'updateOrganisation',
    tag: 'organisation',
    summary: 'Change the organisation',
    body: updateOrganisationRequest,
    responses: { 200: organisationAnswerSchema },
  },
  'GET /api/audit': {
    operationId: 'listAuditEntries',
    tag: 'audit',
    summary: 'Audit trail, newest first (keyset pages)',
    query: auditQuerySchema,
    responses: { 200: auditPageSchema },
  },

  'GET /api/settings/mail': {
    operationId: 'getMailSettings',
    tag: 'mail-settings',
    summary: 'メール送信設定: the settings, the mode and what the form shows; secrets only as set or not',
    responses: { 200: mailSettingsViewSchema },
  },
  'PUT /api/settings/mail': {
    operationId: 'saveMailSettings',
    tag: 'mail-settings',
    summary: '[設定完了]: validate the whole form and save it as one unit',
    description: 'A section left out keeps its saved value. In managed mode `server`, `smtp`, `senderAddress` and `gmail` are refused.',
    body: mailSettingsFormSchema,
    responses: { 200: mailSettingsViewSchema },
    refusals: { 409: VERSION_CONFLICT },
  },
  'POST /api/settings/mail/check': {
    operationId: 'checkMailSettings',
    tag: 'mail-settings',
    summary: 'Every problem [設定完了] would find in the form, saving nothing',
    description: 'A 422 lists every problem at once, the rules that need the saved settings included; 204 when the form would be saved.',
    body: mailSettingsFormSchema,
    responses: { 204: noContent('The form would be saved as it is.') },
  },
  'POST /api/settings/mail/test-connection': {
    operationId: 'testConnection',
    tag: 'mail-settings',
    summary: '[接続テスト] with the form as it is on the screen; nothing is sent',
    description: 'A failing server is a 200 with `ok: false`. In managed mode the relay is tested and only `to` is read.',
    body: mailCheckRequestSchema,
    responses: { 200: mailCheckOutcomeSchema },
  },
  'POST /api/settings/mail/test-mail': {
    operationId: 'sendTestMail',
    tag: 'mail-settings',
    summary: '[テストメール送信]: a real mail straight away, to you or to `to`',
    description: 'A failing server is a 200 with `ok: false`. In managed mode the relay is tested and only `to` is read.',
    body: mailCheckRequestSchema,
    responses: { 200: mailCheckOutcomeSchema },
  },
  'POST /api/settings/mail/gmail/authorize': {
    operationId: 'authorizeGmail',
    tag: 'mail-settings',
    summary: '[認証情報を取得]: save and lock the Gmail client, answer the URL to send the browser to',
    description: 'With a locked client, `{}` starts 再認証 with the stored one.',
    body: gmailAuthorizeRequestSchema,
    responses: { 200: gmailAuthorizeResponseSchema },
    refusals: { 409: 'Managed mode, or the settings changed in between.', 502: "Google's discovery cannot be reached." },
  },
  'GET /oauth/google/callback': {
    operationId: 'returnFromGoogle',
    tag: 'mail-settings',
    summary: 'The browser returning from Google, in the session that started the flow',
    description:
      'Every outcome is a redirect to the settings page, never an error answer: the state bound to the session is what protects it.',
    query: gmailCallbackQuerySchema,
    responses: {
      302: {
        description: 'Back to the settings page.',
        headers: { Location: `/settings/mail?gmail=authorised, or /settings/mail?gmail=error&reason= one of ${GMAIL_CALLBACK_REFUSALS.join(', ')}` },
      },
    },
  },

  'POST /api/mail/messages': {
    operationId: 'submitMail',
    tag: 'mail',
    summary: 'Queue a mail of the application (service token)',
    description: 'The From address is always the configured sender. A retried request with the same Idempotency-Key queues once.',
    headers: mailRequestHeadersSchema,
    body: outgoingMessageSchema,
    responses: {
      202: { description: 'Queued.', schema: submittedMailSchema },
      200: { description: 'Queued before under the same Idempotency-Key.', schema: submittedMailSchema },
    },
    refusals: { 409: 'The same Idempotency-Key came with another message.', 413: 'The body is over 16 MB.' },
  },
  'GET /api/mail/deliveries': {
    operationId: 'listDeliveries',
    tag: 'mail',
    summary: 'The delivery log, newest first (keyset pages)',
    query: deliveryLogQuerySchema,
    responses: { 200: deliveryPageSchema },
  },
  'GET /api/mail/tokens': { operationId: 'listServiceTokens', tag: 'mail', summary: 'Service tokens', responses: { 200: serviceTokenListSchema } },
  'POST /api/mail/tokens': {
    operationId: 'createServiceToken',
    tag: 'mail',
    summary: 'Create a service token: the answer is the only time it is shown',
    body: createServiceTokenRequest,
    responses: { 201: createdServiceTokenAnswerSchema },
  },
  'DELETE /api/mail/tokens/:id': {
    operationId: 'revokeServiceToken',
    tag: 'mail',
    summary: 'Revoke a service token (again: the same answer)',
    params: idParamsSchema,
    responses: { 200: serviceTokenAnswerSchema },
  },

  'GET /api/dev-mailbox': {
    operationId: 'listDevMailbox',
    tag: 'dev-mailbox',
    summary: '開発用メールボックス: what its SMTP server received',
    responses: { 200: devMailboxListSchema },
    refusals: { 404: DEV_MAILBOX_OFF },
  },
  'GET /api/dev-mailbox/:id': {
    operationId: 'getDevMail',
    tag: 'dev-mailbox',
    summary: 'One received mail: headers, text, HTML (show it only in a sandboxed frame)',
    params: idParamsSchema,
    responses: { 200: devMailSchema },
    refusals: { 404: `No such mail, or ${DEV_MAILBOX_OFF}` },
  },
  'DELETE /api/dev-mailbox': {
    operationId: 'clearDevMailbox',
    tag: 'dev-mailbox',
    summary: 'Empty the dev mailbox',
    responses: { 204: noContent('Emptied.') },
    refusals: { 404: DEV_MAILBOX_OFF },
  },

  'POST /api/runs': {
    operationId: 'startRun',
    tag: 'monitoring',
    summary: 'A thread run starts (report token of its kind)',
    body: startRunRequest,
    responses: { 201: startedRunSchema },
    refusals: { 403: 'The token reports runs of another kind.' },
  },
  'POST /api/runs/:id/heartbeat': {
    operationId: 'heartbeatRun',
    tag: 'monitoring',
    summary: 'The run is still going',
    params: idParamsSchema,
    responses: { 204: noContent('Recorded.') },
    refusals: { 404: 'No run of this token’s kind has this ID.', 409: 'The run has finished.' },
  },
  'POST /api/runs/:id/finish': {
    operationId: 'finishRun',
    tag: 'monitoring',
    summary: 'The run ended, succeeded or failed',
    params: idParamsSchema,
    body: finishRunRequest,
    responses: { 204: noContent('Recorded.') },
    refusals: { 404: 'No run of this token’s kind has this ID.', 409: 'The run has finished.' },
  },
  'GET /api/runs': {
    operationId: 'listRuns',
    tag: 'monitoring',
    summary: 'Runs, newest first (keyset pages)',
    query: runsQuerySchema,
    responses: { 200: runPageSchema },
  },
  'GET /api/monitor': {
    operationId: 'getMonitorStatus',
    tag: 'monitoring',
    summary: "The monitor's last and next look, its leader and the last digests",
    responses: { 200: monitorStatusView },
  },
  'GET /api/report-tokens': { operationId: 'listReportTokens', tag: 'monitoring', summary: 'Report tokens', responses: { 200: reportTokenListSchema } },
  'POST /api/report-tokens': {
    operationId: 'createReportToken',
    tag: 'monitoring',
    summary: 'Create a report token for one kind of run: the answer is the only time it is shown',
    body: createReportTokenRequest,
    responses: { 201: createdReportTokenAnswerSchema },
  },
  'DELETE /api/report-tokens/:id': {
    operationId: 'revokeReportToken',
    tag: 'monitoring',
    summary: 'Revoke a report token',
    params: idParamsSchema,
    responses: { 200: reportTokenAnswerSchema },
  },

  'GET /api/settings/lockout': { operationId: 'getLockoutPolicy', tag: 'lockout', summary: 'アカウント停止: the policy', responses: { 200: lockoutPolicyView } },
  'PUT /api/settings/lockout': {
    operationId: 'saveLockoutPolicy',
    tag: 'lockout',
    summary: 'Save the lockout policy',
    body: lockoutPolicyForm,
    responses: { 200: lockoutPolicyView },
    refusals: { 409: VERSION_CONFLICT },
  },
  'GET /api/suspensions': { operationId: 'listSuspensions', tag: 'lockout', summary: 'The suspended accounts', responses: { 200: suspensionList } },
  'DELETE /api/suspensions/:userId': {
    operationId: 'liftSuspension',
    tag: 'lockout',
    summary: "Lift a user's suspension",
    params: suspensionParamsSchema,
    responses: { 204: noContent('Lifted.') },
    refusals: { 404: 'The user is not suspended.' },
  },

  'GET /*': {
    operationId: 'getScreen',
    tag: 'screen',
    summary: 'The admin screen: its page for any path outside /api (slashes included), and its files',
    responses: {
      200: { description: 'The page, or a file under /assets/.', mediaType: 'text/html' },
      503: { description: 'The screen is not built (npm run build:web).', mediaType: 'text/html' },
    },
    refusals: { 404: 'An /api path nobody serves, or a file that does not exist.' },
  },
};
