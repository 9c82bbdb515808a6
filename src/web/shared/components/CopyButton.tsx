import { useState } from 'react';
import { useI18n } from '../i18n/i18n';

/**
 * Copies a value to the clipboard and says so (or says to copy by hand when the browser refuses).
 * `name` says what it copies, for a page with several such buttons.
 */
export function CopyButton({ value, label, name }: { value: string; label?: string; name?: string }) {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState<'copied' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setOutcome('copied');
    } catch {
      setOutcome('failed');
    }
  };
  return (
    <span className="copy">
      <button type="button" className="button" onClick={copy} aria-label={name ? `${label ?? t('common.copy')} (${name})` : undefined}>
        {label ?? t('common.copy')}
      </button>
      <span role="status" className="copy-outcome">
        {outcome === 'copied' ? t('common.copied') : outcome === 'failed' ? t('common.copy_failed') : ''}
      </span>
    </span>
  );
}
