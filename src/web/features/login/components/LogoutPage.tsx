import { useEffect } from 'react';
import { useI18n } from '../../../shared/i18n/i18n';
import { useSession } from '../../../shared/session/session';

/** ログアウト: a page of its own, so a form with unsaved changes asks before the session ends. */
export function LogoutPage() {
  const { t } = useI18n();
  const { signOut } = useSession();
  useEffect(() => {
    void signOut();
  }, [signOut]);
  return <p className="loading">{t('common.working')}</p>;
}
