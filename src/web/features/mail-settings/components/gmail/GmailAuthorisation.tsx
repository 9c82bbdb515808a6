import { useId, useRef, useState } from 'react';
import { useFormContext, useFormState } from 'react-hook-form';
import { problemsFromZod } from '../../../../../contracts/field-problems';
import { gmailAuthorizeRequestSchema } from '../../../../../contracts/mail-settings';
import { ApiError } from '../../../../shared/api/client';
import { ConfirmDialog } from '../../../../shared/components/ConfirmDialog';
import { Notice } from '../../../../shared/components/Notice';
import { focusFirstInvalid, messageOf, type ShownProblem } from '../../../../shared/forms/contract-form';
import { useI18n } from '../../../../shared/i18n/i18n';
import { authorizeGmail } from '../../api/mail-settings';
import type { MailSettingsFormValues } from '../../model/form-values';
import { authorizeBodyOf, unsavedBesidesGmail } from '../../model/gmail-authorise';
import type { GmailView } from '../../model/gmail-setup';

/**
 * SPEC §1.3 steps 3 and 6: the authorisation state (未認証 / 認証済み with account and time /
 * 再認証が必要) and the button that goes to Google — [認証情報を取得] with the client as typed,
 * or 再認証 with the locked one, which works whatever the state. Changes that the trip would
 * lose are asked about first.
 */
export function GmailAuthorisation({ gmail, leaveSite }: { gmail: GmailView; leaveSite(url: string): void }) {
  const { t, formatTime } = useI18n();
  const id = useId();
  const form = useFormContext<MailSettingsFormValues>();
  const { dirtyFields } = useFormState({ control: form.control });
  const section = useRef<HTMLDivElement>(null);
  const [asking, setAsking] = useState(false);
  const [going, setGoing] = useState(false);
  const [refused, setRefused] = useState<string | null>(null);

  const showProblems = (problems: ShownProblem[]) => {
    for (const { path, message } of problems) form.setError(`gmail.${path}` as 'gmail.clientId', { type: 'authorize', message });
    focusFirstInvalid(section.current?.closest('form') ?? null);
  };

  const goToGoogle = async () => {
    setAsking(false);
    setRefused(null);
    form.clearErrors(['gmail.clientId', 'gmail.clientSecret']);
    const body = authorizeBodyOf(form.getValues(), gmail);
    const parsed = gmailAuthorizeRequestSchema.safeParse(body, { reportInput: true });
    if (!parsed.success) {
      showProblems(problemsFromZod(parsed.error).map((problem) => ({ path: problem.path, message: messageOf(problem, t) })));
      return;
    }
    setGoing(true);
    try {
      leaveSite(await authorizeGmail(body));
    } catch (error) {
      setGoing(false);
      if (error instanceof ApiError) showProblems(error.fields);
      setRefused(error instanceof Error ? error.message : String(error));
    }
  };

  const state =
    gmail.state === 'authorised'
      ? t('mailsettings.gmail.state.authorised', { account: gmail.accountEmail ?? '', time: gmail.authorisedAt ? formatTime(gmail.authorisedAt) : '' })
      : t(`mailsettings.gmail.state.${gmail.state}`);
  const again = gmail.state !== 'unauthorised';
  return (
    <div ref={section} className="gmail-authorisation">
      <dl className="read-only gmail-state">
        <dt>{t('mailsettings.gmail.state')}</dt>
        <dd>{state}</dd>
      </dl>
      {gmail.state === 'reauth_required' && <Notice tone="warning">{t('mailsettings.gmail.reauth_required_hint')}</Notice>}
      <div className="check">
        <button
          type="button"
          className={gmail.state === 'authorised' ? 'button' : 'button primary'}
          disabled={going}
          aria-describedby={`${id}-hint`}
          onClick={() => (unsavedBesidesGmail(dirtyFields) ? setAsking(true) : void goToGoogle())}
        >
          {going ? t('mailsettings.gmail.going_to_google') : again ? t('mailsettings.gmail.reauthorize') : t('mailsettings.gmail.authorize')}
        </button>
        <p id={`${id}-hint`} className="hint">
          {again ? t('mailsettings.gmail.reauthorize_hint') : t('mailsettings.gmail.authorize_hint')}
        </p>
      </div>
      {refused && (
        <Notice tone="error" live title={t('mailsettings.gmail.refused')}>
          <p>{refused}</p>
        </Notice>
      )}
      {asking && (
        <ConfirmDialog title={t('mailsettings.gmail.leave_title')} confirmLabel={t('mailsettings.gmail.leave_confirm')} onConfirm={goToGoogle} onCancel={() => setAsking(false)}>
          <p>{t('mailsettings.gmail.leave_body')}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
