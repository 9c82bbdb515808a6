import { useState } from 'react';
import { FormProvider, useForm } from 'react-hook-form';
import { loginRequest } from '../../../../contracts/accounts';
import { ApiError } from '../../../shared/api/client';
import { TextField } from '../../../shared/components/fields';
import { Notice } from '../../../shared/components/Notice';
import { PageHeader } from '../../../shared/components/PageHeader';
import { contractResolver } from '../../../shared/forms/contract-form';
import { useI18n } from '../../../shared/i18n/i18n';
import { type SignedOutReason, useSession } from '../../../shared/session/session';
import { Button } from '../../../shared/components/Button';

interface LoginValues {
  loginId: string;
  password: string;
}

/** ログイン: one refusal for every reason (unknown ID, wrong password, suspended), as the API answers it. */
export function LoginPage({ reason }: { reason: SignedOutReason }) {
  const { t } = useI18n();
  const { signIn } = useSession();
  const [refusal, setRefusal] = useState<string | null>(null);
  const form = useForm<LoginValues>({
    defaultValues: { loginId: '', password: '' },
    resolver: contractResolver(loginRequest, (values) => values, t),
  });

  const submit = form.handleSubmit(async ({ loginId, password }) => {
    setRefusal(null);
    try {
      await signIn(loginId, password);
    } catch (error) {
      setRefusal(error instanceof ApiError ? error.message : String(error));
      form.setValue('password', '');
      form.setFocus('password');
    }
  });

  return (
    <main id="main" className="login">
      <PageHeader title={t('login.title')} />
      {reason === 'expired' && <Notice tone="info">{t('login.session_expired')}</Notice>}
      {reason === 'signed-out' && <Notice tone="info">{t('login.signed_out')}</Notice>}
      {refusal && (
        <Notice tone="error" live>
          {refusal}
        </Notice>
      )}
      <FormProvider {...form}>
        <form onSubmit={submit} noValidate>
          <TextField name="loginId" label={t('login.login_id')} autoComplete="username" />
          <TextField name="password" label={t('login.password')} type="password" autoComplete="current-password" />
          <Button type="submit" className="button primary" unavailable={form.formState.isSubmitting}>
            {t('login.submit')}
          </Button>
        </form>
      </FormProvider>
    </main>
  );
}
