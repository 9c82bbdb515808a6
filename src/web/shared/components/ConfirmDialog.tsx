import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';
import { Modal } from './Modal';

/**
 * A question with OK and キャンセル: Esc and キャンセル change nothing. A `danger` question (it cannot
 * be undone) opens on キャンセル: opening on the action, Enter pressed twice on a row's 無効化
 * revoked a token for good.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
  danger,
}: {
  title: string;
  children: ReactNode;
  confirmLabel?: string;
  onConfirm: () => void;
  onCancel: () => void;
  danger?: boolean;
}) {
  const { t } = useI18n();
  return (
    <Modal
      title={title}
      onCancel={onCancel}
      actions={
        <>
          <button type="button" className={danger ? 'button danger' : 'button primary'} onClick={onConfirm}>
            {confirmLabel ?? t('common.ok')}
          </button>
          <button type="button" className="button" onClick={onCancel} data-autofocus={danger || undefined}>
            {t('common.cancel')}
          </button>
        </>
      }
    >
      {children}
    </Modal>
  );
}
