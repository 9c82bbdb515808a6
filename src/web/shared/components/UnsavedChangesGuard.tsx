import { useI18n } from '../i18n/i18n';
import { useLeaveGuard } from '../router/router';
import { ConfirmDialog } from './ConfirmDialog';

/**
 * While `unsaved` holds, leaving the page by a link or the back button asks first in a dialog
 * (キャンセル stays); reload and closing the tab get the browser's own question.
 */
export function UnsavedChangesGuard({ unsaved }: { unsaved: boolean }) {
  const { t } = useI18n();
  const leaving = useLeaveGuard(unsaved);
  if (!leaving.pendingTo) return null;
  return (
    <ConfirmDialog title={t('common.unsaved.title')} confirmLabel={t('common.unsaved.leave')} onConfirm={leaving.leave} onCancel={leaving.stay} danger>
      <p>{t('common.unsaved.body')}</p>
    </ConfirmDialog>
  );
}
