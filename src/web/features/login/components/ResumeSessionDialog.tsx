import { useState } from 'react';
import { FormProvider, useForm } from 'react-hook-form';
import type { UserView } from '../../../../contracts/accounts';
import { ApiError } from '../../../shared/api/client';
import { TextField } from '../../../shared/components/fields';
import { Modal } from '../../../shared/components/Modal';
import { Notice } from '../../../shared/components/Notice';
import { useI18n } from '../../../shared/i18n/i18n';
import { useSession } from '../../../shared/session/session';
import { Button } from '../../../shared/components/Button';

/**
 * The session ended while the page held unsaved changes: the page stays, inert behind this
 * dialog, and the same user signs in again in it. Afterwards the typing is all there and the
 * user repeats what they were doing; giving up leads to the sign-in page as before.
 */
export function ResumeSessionDialog({ user }: { user: UserView }) {
  const { t } = useI18n();
  const { signIn, discardExpiredPage } = useSession();
  const [refusal, setRefusal] = useState<string | null>(null);
  const form = useForm<{ password: string }>({ defaultValues: { password: '' } });

  const submit = form.handleSubmit(async ({ password }) => {
    setRefusal(null);
    try {
      await signIn(user.loginId, password);
    } catch (error) {
      setRefusal(error instanceof ApiError ? error.message : String(error));
      form.setValue('password', '');
      form.setFocus('password');
    }
  });

  return (
    <Modal
      title={t('login.resume.title')}
      // Esc keeps the dialog: the page behind cannot be used until the user signs in or gives up.
      onCancel={() => {}}
      actions={
        <>
          <Button type="submit" form="resume-session" className="button primary" unavailable={form.formState.isSubmitting}>
            {t('login.submit')}
          </Button>
          <button type="button" className="button" onClick={discardExpiredPage}>
            {t('login.resume.discard')}
          </button>
        </>
      }
    >
      <p>{t('login.resume.body')}</p>
      {refusal && (
        <Notice tone="error" live>
          {refusal}
        </Notice>
      )}
      <p>
        {t('login.login_id')}: <strong>{user.loginId}</strong>
      </p>
      <FormProvider {...form}>
        <form id="resume-session" onSubmit={submit} noValidate>
          <TextField name="password" label={t('login.password')} type="password" autoComplete="current-password" />
        </form>
      </FormProvider>
    </Modal>
  );
}
