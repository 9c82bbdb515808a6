import type { ReactNode } from 'react';
import type { Loaded } from '../api/use-loader';
import { useI18n } from '../i18n/i18n';
import { Notice } from './Notice';

/** Renders the data once loaded; meanwhile a loading line, or the failure with a way to try again. */
export function Loading<T>({ state, reload, children }: { state: Loaded<T>; reload: () => void; children: (data: T) => ReactNode }) {
  const { t } = useI18n();
  if (state.status === 'loading') return <p className="loading">{t('screen.loading')}</p>;
  if (state.status === 'failed') {
    return (
      <Notice tone="error" live>
        <p>{t('screen.load_failed', { message: state.error.message })}</p>
        <button type="button" className="button" onClick={reload}>
          {t('screen.retry')}
        </button>
      </Notice>
    );
  }
  return <>{children(state.data)}</>;
}
