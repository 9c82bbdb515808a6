import type { Loaded } from '../api/use-loader';
import { useI18n } from '../i18n/i18n';

/**
 * What a change of filter found, said to a screen reader: the list changes in silence, and
 * 「該当するデータはありません。」 in its place was heard only by someone who went looking for it.
 * Silent until the reader changes a filter (`active`).
 */
export function FilterOutcome<T>({ state, count, active }: { state: Loaded<T>; count: (data: T) => number; active: boolean }) {
  const { t } = useI18n();
  const found = active && state.status === 'ready' ? count(state.data) : null;
  return (
    <p className="visually-hidden" role="status">
      {found === null ? '' : found === 0 ? t('common.empty') : t('common.filter_found', { count: found })}
    </p>
  );
}
