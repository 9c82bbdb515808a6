import { useI18n } from './i18n';

/** A time in the reader's zone with the zone named (the exact instant in `dateTime`). */
export function Time({ iso }: { iso: string }) {
  const { formatTime } = useI18n();
  return <time dateTime={iso}>{formatTime(iso)}</time>;
}
