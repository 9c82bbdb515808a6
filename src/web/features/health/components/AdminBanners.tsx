import type { HealthView } from '../../../../contracts/health';
import { useI18n } from '../../../shared/i18n/i18n';
import { Link } from '../../../shared/router/router';

/** SPEC §2.5: the transport has been failing (or needs re-authorisation); §2.6: the dev mailbox is on. */
export function AdminBanners({ health }: { health: HealthView | null }) {
  const { t, formatTime } = useI18n();
  const transport = health?.transport;
  return (
    <>
      {/* Always there, so that a banner raised by the once-a-minute look is read out when it appears. */}
      <div aria-live="polite">
        {transport?.banner && (
          <section className="banner failing" aria-labelledby="transport-banner-title">
            <h2 id="transport-banner-title">{t('banner.transport.title')}</h2>
            {transport.reason && <p>{t('banner.transport.reason', { reason: transport.reason.message })}</p>}
            {transport.reason?.reply && (
              <p>
                {t('banner.transport.reply')}: <code>{transport.reason.reply}</code>
              </p>
            )}
            {transport.failingSince && <p>{t('banner.transport.since', { time: formatTime(transport.failingSince) })}</p>}
            <p>
              {t('banner.transport.last_success', {
                time: transport.lastSuccessAt ? formatTime(transport.lastSuccessAt) : t('banner.transport.never'),
              })}
            </p>
            <p>
              <Link to="/settings/mail">{t('banner.transport.action')}</Link>
            </p>
          </section>
        )}
      </div>
      {health?.devMailbox && (
        <p className="banner development" role="note">
          {t('banner.dev_mailbox')}
        </p>
      )}
    </>
  );
}
