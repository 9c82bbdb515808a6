import { type ReactNode, useId } from 'react';
import { useI18n } from '../i18n/i18n';
import { Modal } from './Modal';
import { Button } from './Button';

/** A form in a modal dialog, with 保存 and キャンセル: `children` receives the id its <form> takes. */
export function FormDialog({
  title,
  submitting,
  onCancel,
  children,
}: {
  title: string;
  submitting: boolean;
  onCancel(): void;
  children(formId: string): ReactNode;
}) {
  const { t } = useI18n();
  const formId = useId();
  return (
    <Modal
      title={title}
      onCancel={onCancel}
      actions={
        <>
          <Button type="submit" form={formId} className="button primary" unavailable={submitting}>
            {t('common.save')}
          </Button>
          <button type="button" className="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </>
      }
    >
      {children(formId)}
    </Modal>
  );
}
