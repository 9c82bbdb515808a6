import type { ReactNode } from 'react';
import type { MessageKey } from '../../../../i18n/index';
import { type I18n, useI18n } from '../../../shared/i18n/i18n';
import { Time } from '../../../shared/i18n/Time';

/** Whose fields an action's `changes` (or a new user's `after`) name. */
type FieldsOf = 'mail_settings' | 'lockout_policy' | 'organisation' | 'user';

const FIELDS_OF_ACTION: Partial<Record<string, FieldsOf>> = {
  'settings.mail.update': 'mail_settings',
  'settings.lockout.update': 'lockout_policy',
  'organisation.update': 'organisation',
  'user.create': 'user',
  'user.update': 'user',
  'user.deactivate': 'user',
  'me.update': 'user',
};

/** Fields by the label their page gives them. */
const FIELD_LABELS: Record<Exclude<FieldsOf, 'mail_settings'>, Record<string, MessageKey>> = {
  lockout_policy: {
    threshold: 'lockout.policy.threshold',
    windowMinutes: 'lockout.policy.window',
    durationMinutes: 'lockout.policy.duration_minutes',
  },
  organisation: { name: 'org.name', defaultLocale: 'org.default_locale', timeZone: 'org.time_zone' },
  user: {
    loginId: 'users.login_id',
    displayName: 'users.display_name',
    email: 'users.email',
    role: 'users.role',
    locale: 'users.locale',
    timeZone: 'users.time_zone',
    active: 'users.active',
  },
};

/** The choices under a thread kind of バックグラウンド処理通知設定, by their labels there. */
const KIND_SETTING_LABELS: Record<string, MessageKey> = {
  enabled: 'mailsettings.monitoring.enabled',
  normalEnd: 'mailsettings.monitoring.normal_end',
  abnormalEnd: 'mailsettings.monitoring.abnormal_end',
  longRunning: 'mailsettings.monitoring.long_running',
  longRunningHours: 'mailsettings.monitoring.long_running_hours',
};

/** What the audit calls a stored secret, by the field the page asks it in. */
const CREDENTIAL_FIELDS: Record<string, string> = { smtpAuth: 'smtp.password', gmailClient: 'gmail.clientSecret' };

/** The facts an action records beside its changes, by their names on the screen. */
const FACT_LABELS: Record<string, MessageKey> = {
  failures: 'lockout.suspensions.failures',
  suspendedAt: 'lockout.suspensions.suspended_at',
  resumesAt: 'lockout.suspensions.resumes_at',
  kind: 'report_tokens.kind',
  detail: 'deliveries.reply',
  account: 'audit.fact.account',
  previousAccount: 'audit.fact.previousAccount',
  previousState: 'audit.fact.previousState',
  reason: 'audit.fact.reason',
  gmailCredentialsDeleted: 'audit.fact.gmailCredentialsDeleted',
  password: 'audit.fact.password',
};

/** Codes a field or fact holds, by the words the screen shows for them. */
function valueName(field: string, value: string, { t, has }: I18n): string {
  const candidates: Record<string, string> = {
    server: `mailsettings.server.${value}`,
    'smtp.security': `mailsettings.smtp.security.${value}`,
    role: `common.role.${value}`,
    locale: `common.locale.${value}`,
    defaultLocale: `common.locale.${value}`,
    kind: `monitoring.kind.${value}`,
    previousState: `audit.gmail_state.${value}`,
    reason: `audit.reason.${value}`,
    // Recorded masked: that it was set is all there is to say.
    password: 'audit.credential.replaced',
  };
  const key = candidates[field];
  return key !== undefined && has(key) ? t(key) : value;
}

function fieldLabel(fieldsOf: FieldsOf, field: string, i18n: I18n): ReactNode {
  const { t, has } = i18n;
  if (fieldsOf !== 'mail_settings') {
    const key = FIELD_LABELS[fieldsOf][field];
    return key ? t(key) : <code>{field}</code>;
  }
  const kindSetting = /^(monitoring\.kinds\.[\w-]+)\.(\w+)$/.exec(field);
  if (kindSetting) {
    const [, kind, setting] = kindSetting;
    const kindKey = `field.${kind}`;
    const settingKey = KIND_SETTING_LABELS[setting];
    if (has(kindKey) && settingKey) return `${t(kindKey)}: ${t(settingKey)}`;
  }
  const key = `field.${field}`;
  return has(key) ? t(key) : <code>{field}</code>;
}

/** A number with the unit its field is in (10分, 3時間, 5回). */
function amount(field: string, value: number, { t }: I18n): string {
  if (field.endsWith('Minutes')) return t('mailsettings.monitoring.minutes', { minutes: value });
  if (field.endsWith('Hours')) return value === 1 ? t('mailsettings.monitoring.one_hour') : t('mailsettings.monitoring.hours', { hours: value });
  if (field === 'failures' || field === 'threshold') return t('lockout.suspensions.failures_count', { count: value });
  return String(value);
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

function Value({ field, value }: { field: string; value: unknown }) {
  const i18n = useI18n();
  const { t } = i18n;
  // 無期限: a suspension with no end lasts until an administrator lifts it, not "none".
  if ((field === 'durationMinutes' || field === 'resumesAt') && value === null) return <>{t('lockout.policy.duration_until_lifted_choice')}</>;
  if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) return <>{t('common.none')}</>;
  if (typeof value === 'boolean') return <>{t(value ? 'common.yes' : 'common.no')}</>;
  if (Array.isArray(value)) return <>{value.map(String).join(t('audit.list_separator'))}</>;
  if (typeof value === 'string' && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value))) return <Time iso={value} />;
  if (typeof value === 'string') return <>{valueName(field, value, i18n)}</>;
  if (typeof value === 'number') return <>{amount(field, value, i18n)}</>;
  return <code>{JSON.stringify(value)}</code>;
}

interface Line {
  key: string;
  label: ReactNode;
  field: string;
  value?: unknown;
  change?: { before: unknown; after: unknown };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Each changed field, fact and stored secret's fate as a line; an unknown name shows as recorded. */
function linesOf(action: string, details: Record<string, unknown>, i18n: I18n): Line[] {
  const fieldsOf = FIELDS_OF_ACTION[action];
  const { t, has } = i18n;
  return Object.entries(details).flatMap(([name, value]): Line[] => {
    if (fieldsOf && name === 'changes' && isRecord(value)) {
      return Object.entries(value).map(([field, change]) => ({
        key: `changes.${field}`,
        label: fieldLabel(fieldsOf, field, i18n),
        field,
        ...(isRecord(change) && 'before' in change ? { change: { before: change.before, after: change.after } } : { value: change }),
      }));
    }
    if (fieldsOf && name === 'after' && isRecord(value)) {
      return Object.entries(value)
        .filter(([field]) => field !== 'id')
        .map(([field, inner]) => ({ key: `after.${field}`, label: fieldLabel(fieldsOf, field, i18n), field, value: inner }));
    }
    if (name === 'credentials' && isRecord(value)) {
      return Object.entries(value).map(([secret, fate]) => {
        const field = CREDENTIAL_FIELDS[secret];
        const fateKey = `audit.credential.${String(fate)}`;
        return {
          key: `credentials.${secret}`,
          label: field && has(`field.${field}`) ? t(`field.${field}` as MessageKey) : <code>{secret}</code>,
          field: secret,
          value: has(fateKey) ? t(fateKey) : fate,
        };
      });
    }
    // Which Google account and which token: the account says it; `provider` is always Google.
    if (name === 'provider' || name === 'id') return [];
    const factKey = FACT_LABELS[name];
    return [{ key: name, label: factKey ? t(factKey) : <code>{name}</code>, field: name, value }];
  });
}

/**
 * 詳細 of an audit entry in the reader's language: each changed field by its label on its page,
 * before → after, and what else the action recorded (停止日時, the Gmail account…). The record
 * itself stays one click away for what this does not name.
 */
export function AuditDetails({ action, details }: { action: string; details: unknown }) {
  const i18n = useI18n();
  const { t } = i18n;
  const lines = isRecord(details) ? linesOf(action, details, i18n) : [];
  return (
    <details>
      <summary>{t('audit.details')}</summary>
      {lines.length > 0 && (
        <dl className="audit-details">
          {lines.map((line) => (
            <div key={line.key}>
              <dt>{line.label}</dt>
              <dd>
                {line.change ? (
                  <>
                    <Value field={line.field} value={line.change.before} /> → <Value field={line.field} value={line.change.after} />
                  </>
                ) : (
                  <Value field={line.field} value={line.value} />
                )}
              </dd>
            </div>
          ))}
        </dl>
      )}
      <details className="audit-record">
        <summary>{t('audit.record')}</summary>
        <pre>{JSON.stringify(details, null, 2)}</pre>
      </details>
    </details>
  );
}
