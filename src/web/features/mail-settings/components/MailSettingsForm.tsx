import { Suspense, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { FormProvider, useForm, useWatch } from 'react-hook-form';
import { labelledPathOf, type MailSettingsView, mailSettingsFormSchema } from '../../../../contracts/mail-settings';
import { ApiError } from '../../../shared/api/client';
import { ConfirmDialog } from '../../../shared/components/ConfirmDialog';
import { ErrorSummary } from '../../../shared/components/ErrorSummary';
import { RadioGroupField, TextField } from '../../../shared/components/fields';
import { Notice } from '../../../shared/components/Notice';
import { contractResolver, flattenErrors, focusFirstInvalid, showServerProblems } from '../../../shared/forms/contract-form';
import { useI18n } from '../../../shared/i18n/i18n';
import { useLeaveGuard } from '../../../shared/router/router';
import { checkMailSettings, loadMailSettings, saveMailSettings } from '../api/mail-settings';
import { formValuesOf, type MailSettingsFormValues, requestBodyOf } from '../model/form-values';
import { gmailSetupValues } from '../model/gmail-setup';
import { GmailFields } from './GmailFields';
import { MailChecks } from './MailChecks';
import { ModeLine } from './ModeLine';
import { MonitoringFields } from './MonitoringFields';
import { ServerChoice } from './ServerChoice';
import { SmtpFields } from './SmtpFields';
import { Button } from '../../../shared/components/Button';
import { FormSection } from '../../../shared/components/FormSection';

type SaveOutcome = 'invalid' | 'conflict' | { failed: string } | null;

/**
 * The whole メール送信設定 form. [設定完了] checks it with the API's own contract, then saves it
 * as one unit: refused fields show their message and the first one takes the focus; a save
 * over a newer one (409) is explained; leaving with unsaved changes asks first.
 */
export function MailSettingsForm({
  view,
  justSaved,
  onSaved,
  onReload,
}: {
  view: MailSettingsView;
  justSaved: boolean;
  onSaved(view: MailSettingsView): void;
  onReload(): void;
}) {
  const { t, formatTime } = useI18n();
  const element = useRef<HTMLFormElement>(null);
  const submitButton = useRef<HTMLButtonElement>(null);
  const [outcome, setOutcome] = useState<SaveOutcome>(null);
  // A save that stored a new version starts the form anew from it (MailSettingsPage); the focus
  // stays on [設定完了], where the reader was, instead of falling back to the top of the page.
  useEffect(() => {
    if (justSaved) submitButton.current?.focus();
    // Only as the form starts: later renders of the same save must not take the focus back.
  }, []);
  const [passwordEditing, setPasswordEditing] = useState(!view.settings.smtp.passwordSet);
  // The authorisation is not part of the form: a check can find it revoked, and then it is read again.
  const [gmail, setGmail] = useState(view.settings.gmail);
  const form = useForm<MailSettingsFormValues>({
    defaultValues: formValuesOf(view),
    resolver: contractResolver(mailSettingsFormSchema, (values: MailSettingsFormValues) => requestBodyOf(values, view), t),
    shouldFocusError: false,
  });
  const server = useWatch({ control: form.control, name: 'server' });
  const leaving = useLeaveGuard(form.formState.isDirty);

  useLayoutEffect(() => {
    const setup = gmailSetupValues(view);
    if (setup.server) form.setValue('server', setup.server, { shouldDirty: true });
    if (setup.senderAddress) form.setValue('senderAddress', setup.senderAddress, { shouldDirty: true });
  }, [view, form]);

  const afterCheck = () => {
    if (form.getValues('server') !== 'gmail') return;
    loadMailSettings().then(
      (latest) => setGmail(latest.settings.gmail),
      () => {},
    );
  };

  // The browser checks the form's shape; the rules that need the saved settings (a host and a
  // sender to send) run on the server. Asked at once, they come in the same list instead of a
  // second round after the shape is put right.
  const refused = () => {
    setOutcome('invalid');
    checkMailSettings(requestBodyOf(form.getValues(), view)).then(
      () => focusFirstInvalid(element.current),
      (error: unknown) => {
        if (error instanceof ApiError && error.status === 422) showServerProblems(form, error.fields, element.current);
        else focusFirstInvalid(element.current);
      },
    );
  };
  const submit = form.handleSubmit(async (values) => {
    setOutcome(null);
    try {
      const saved = await saveMailSettings(requestBodyOf(values, view));
      // A save that changed nothing keeps the version, so the form is not made anew: it shows
      // what was saved (`a@x.jp;` becomes `a@x.jp`) and has no unsaved changes left.
      form.reset(formValuesOf(saved));
      onSaved(saved);
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) {
        showServerProblems(form, error.fields, element.current);
        setOutcome('invalid');
      } else if (error instanceof ApiError && error.status === 409) {
        setOutcome('conflict');
      } else {
        setOutcome({ failed: error instanceof Error ? error.message : String(error) });
      }
    }
  }, refused);

  const problems = flattenErrors(form.formState.errors).map(({ path, message }) => {
    const labelled = labelledPathOf(path);
    return { label: labelled ? t(`field.${labelled}`) : '', message };
  });
  const custom = view.mode === 'custom';

  return (
    <FormProvider {...form}>
      <form ref={element} onSubmit={submit} noValidate className="mail-settings">
        <p className="hint">{view.updatedAt ? t('mailsettings.last_saved', { time: formatTime(view.updatedAt) }) : t('mailsettings.never_saved')}</p>
        <ModeLine view={view} />
        {justSaved && !form.formState.isDirty && (
          <Notice tone="success" live>
            {t('mailsettings.saved')}
          </Notice>
        )}
        {outcome === 'invalid' && problems.length > 0 && <ErrorSummary problems={problems} />}

        <FormSection title={t('mailsettings.sending.section')}>
          <RadioGroupField<boolean>
            name="sendingEnabled"
            legend={t('field.sendingEnabled')}
            hint={t('mailsettings.sending.disabled_hint')}
            inline
            choices={[
              { value: true, label: t('mailsettings.sending.enabled') },
              { value: false, label: t('mailsettings.sending.disabled') },
            ]}
          />
        </FormSection>

        {custom ? (
          <FormSection title={t('mailsettings.smtp.section')}>
            <ServerChoice view={view} />
            {server === 'smtp' ? (
              <SmtpFields view={view} passwordEditing={passwordEditing} setPasswordEditing={setPasswordEditing} />
            ) : (
              <Suspense fallback={<p className="loading">{t('screen.loading')}</p>}>
                <GmailFields view={view} gmail={gmail} leaveSite={leaving.leaveSite} />
              </Suspense>
            )}
            <MailChecks view={view} level={3} onChecked={afterCheck} />
          </FormSection>
        ) : (
          <div className="form-section">
            <MailChecks view={view} level={2} />
          </div>
        )}

        <FormSection title={t('mailsettings.suspension.section')}>
          <p>{t('mailsettings.suspension_intro')}</p>
          <TextField
            name="suspensionRecipients"
            label={t('field.suspensionRecipients')}
            hint={
              <>
                <p>{t('mailsettings.recipients_hint')}</p>
                <p>{t('mailsettings.suspension_hint')}</p>
              </>
            }
            wide
          />
        </FormSection>

        <MonitoringFields />

        <div className="form-actions">
          {outcome === 'conflict' && (
            <Notice tone="error" live>
              <p>{t('mailsettings.conflict')}</p>
              <button type="button" className="button" onClick={onReload}>
                {t('mailsettings.reload_latest')}
              </button>
            </Notice>
          )}
          {outcome !== null && typeof outcome === 'object' && (
            <Notice tone="error" live>
              {outcome.failed}
            </Notice>
          )}
          <Button ref={submitButton} type="submit" className="button primary" unavailable={form.formState.isSubmitting}>
            {t('mailsettings.submit')}
          </Button>
        </div>
      </form>
      {leaving.pendingTo && (
        <ConfirmDialog title={t('common.unsaved.title')} confirmLabel={t('common.unsaved.leave')} onConfirm={leaving.leave} onCancel={leaving.stay} danger>
          <p>{t('common.unsaved.body')}</p>
        </ConfirmDialog>
      )}
    </FormProvider>
  );
}
