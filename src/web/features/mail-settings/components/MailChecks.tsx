import { useId, useRef, useState } from 'react';
import { useFormContext } from 'react-hook-form';
import { addressSchema } from '../../../../contracts/address';
import { problemsFromZod } from '../../../../contracts/field-problems';
import { type MailCheckOutcome, mailCheckRequestSchema } from '../../../../contracts/mail-checks';
import type { MailSettingsView } from '../../../../contracts/mail-settings';
import { ApiError } from '../../../shared/api/client';
import { FieldError } from '../../../shared/components/fields';
import { Notice } from '../../../shared/components/Notice';
import { focusFirstInvalid, messageOf, type ShownProblem } from '../../../shared/forms/contract-form';
import { useI18n } from '../../../shared/i18n/i18n';
import { useCurrentUser } from '../../../shared/session/session';
import { sendTestMail, testConnection } from '../api/mail-settings';
import { checkBodyOf, type MailSettingsFormValues } from '../model/form-values';
import { Button } from '../../../shared/components/Button';

type Check = 'connection' | 'mail';

type Result = { check: Check; outcome: MailCheckOutcome } | { check: Check; refused: string };

/**
 * [接続テスト] and [テストメール送信] (SPEC §2.4) with the form as it is now, answered in place:
 * the message that says what to check and the server's own reply. Problems with the form's
 * fields are shown at those fields, as a save would show them.
 */
export function MailChecks({
  view,
  level,
  onChecked,
}: {
  view: MailSettingsView;
  /** Its heading's level: a section of its own (2) or part of the server's (3). */
  level: 2 | 3;
  /** After a check the server ran (what it found may have changed the Gmail authorisation). */
  onChecked?(): void;
}) {
  const { t } = useI18n();
  const user = useCurrentUser();
  const id = useId();
  const form = useFormContext<MailSettingsFormValues>();
  const [to, setTo] = useState('');
  const [toError, setToError] = useState<string | undefined>();
  const [running, setRunning] = useState<Check | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const section = useRef<HTMLElement>(null);

  const showProblems = (problems: ShownProblem[]) => {
    setToError(problems.find((problem) => problem.path === 'to')?.message);
    for (const problem of problems.filter((p) => p.path !== 'to')) {
      form.setError(problem.path as 'smtp.host', { type: 'check', message: problem.message });
    }
    focusFirstInvalid(section.current?.closest('form') ?? null);
  };

  const run = async (check: Check) => {
    setResult(null);
    form.clearErrors();
    const body = checkBodyOf(form.getValues(), view, check === 'mail' ? to : '');
    const parsed = mailCheckRequestSchema.safeParse(body, { reportInput: true });
    const recipient = check === 'mail' && to.trim() !== '' ? addressSchema.safeParse(to) : null;
    const problems = [
      ...(parsed.success ? [] : problemsFromZod(parsed.error)),
      ...(recipient && !recipient.success ? problemsFromZod(recipient.error).map((p) => ({ ...p, path: 'to' })) : []),
    ].map((problem) => ({ path: problem.path, message: messageOf(problem, t) }));
    if (problems.length > 0) {
      showProblems(problems);
      setResult({ check, refused: t('error.validation') });
      return;
    }
    setRunning(check);
    try {
      const outcome = check === 'connection' ? await testConnection(body) : await sendTestMail(body);
      setResult({ check, outcome });
    } catch (error) {
      if (error instanceof ApiError) showProblems(error.fields);
      setResult({ check, refused: error instanceof Error ? error.message : String(error) });
    } finally {
      setRunning(null);
      onChecked?.();
    }
  };

  const Heading = level === 2 ? 'h2' : 'h3';
  const label = (check: Check) => (check === 'connection' ? t('mailsettings.checks.test_connection') : t('mailsettings.checks.test_mail'));
  return (
    <section ref={section} className={level === 3 ? 'checks' : undefined} aria-labelledby={`${id}-heading`}>
      <Heading id={`${id}-heading`}>{t('mailsettings.checks.section')}</Heading>
      <p className="hint">{t('mailsettings.checks.hint')}</p>
      <div className="check">
        <Button className="button" unavailable={running !== null} onClick={() => run('connection')} aria-describedby={`${id}-connection-hint`}>
          {running === 'connection' ? t('mailsettings.checks.running') : label('connection')}
        </Button>
        <p id={`${id}-connection-hint`} className="hint">
          {t('mailsettings.checks.test_connection_hint')}
        </p>
      </div>
      <div className="check">
        <div className="field">
          <label htmlFor={`${id}-to`}>{t('mailsettings.checks.test_mail_to')}</label>
          <div id={`${id}-to-hint`} className="hint">
            {user.email ? t('mailsettings.checks.test_mail_to_hint', { email: user.email }) : t('mailsettings.checks.test_mail_to_hint_none')}
          </div>
          <input
            id={`${id}-to`}
            type="email"
            className="wide"
            value={to}
            autoComplete="off"
            spellCheck={false}
            placeholder={user.email ?? undefined}
            onChange={(event) => setTo(event.target.value)}
            aria-invalid={toError ? true : undefined}
            data-invalid={toError ? true : undefined}
            aria-describedby={[`${id}-to-hint`, toError && `${id}-to-error`].filter(Boolean).join(' ')}
          />
          <FieldError id={`${id}-to-error`} message={toError} />
        </div>
        <Button className="button" unavailable={running !== null} onClick={() => run('mail')}>
          {running === 'mail' ? t('mailsettings.checks.running') : label('mail')}
        </Button>
      </div>
      <div aria-live="polite" className="check-result">
        {result && <CheckResult title={label(result.check)} result={result} />}
      </div>
    </section>
  );
}

function CheckResult({ title, result }: { title: string; result: Result }) {
  const { t } = useI18n();
  if ('refused' in result) {
    return (
      <Notice tone="error" title={`${title}: ${t('mailsettings.checks.failed')}`}>
        <p>{result.refused}</p>
      </Notice>
    );
  }
  const { outcome } = result;
  return (
    <>
      <Notice tone={outcome.ok ? 'success' : 'error'} title={`${title}: ${outcome.ok ? t('mailsettings.checks.succeeded') : t('mailsettings.checks.failed')}`}>
        <p>{outcome.message}</p>
        {!outcome.ok && outcome.reply && (
          <p>
            {t('mailsettings.checks.reply')}: <code>{outcome.reply}</code>
          </p>
        )}
      </Notice>
      {/* A success over a connection whose certificate was not verified proves less than it seems. */}
      {outcome.ok && outcome.warning && <Notice tone="warning">{outcome.warning}</Notice>}
    </>
  );
}
