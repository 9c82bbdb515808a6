import { useEffect, useRef, useState } from 'react';
import { type Translate, useI18n } from '../i18n/i18n';
import { Time } from '../i18n/Time';
import { CopyButton } from './CopyButton';

/**
 * What every token page shares (サービストークン, the report tokens of スレッド監視): the token
 * shown once, the columns of a token's life, and asking before one is revoked.
 */

export interface TokenView {
  id: string;
  name: string;
  createdAt: string;
  createdBy: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A token just created: readable and copyable now, never again. The focus goes to it when `focus` is set. */
export function OnceShownToken({ id, token, copyLabel, focus }: { id: string; token: string; copyLabel?: string; focus?: boolean }) {
  const { t } = useI18n();
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (focus) field.current?.focus();
  }, [focus, token]);
  return (
    <p className="token">
      <label htmlFor={id}>{t('tokens.token')}</label>
      <input ref={field} id={id} className="wide" readOnly value={token} onFocus={(event) => event.target.select()} />
      <CopyButton value={token} label={copyLabel} />
    </p>
  );
}

/** The headings of the columns TokenLifeCells fills. */
export const tokenLifeColumns = (t: Translate) => [t('tokens.created_at'), t('tokens.created_by'), t('tokens.last_used'), t('tokens.state'), t('users.actions')];

/** A token's row after its own columns: created when and by whom, last used, its state and the button that revokes it. */
export function TokenLifeCells({ token, onRevoke }: { token: TokenView; onRevoke(): void }) {
  const { t, formatTime } = useI18n();
  return (
    <>
      <td>
        <Time iso={token.createdAt} />
      </td>
      <td>{token.createdBy ?? '—'}</td>
      <td>{token.lastUsedAt ? <Time iso={token.lastUsedAt} /> : t('tokens.never_used')}</td>
      <td>{token.revokedAt ? t('tokens.revoked', { time: formatTime(token.revokedAt) }) : t('tokens.active')}</td>
      <td className="actions">
        {!token.revokedAt && (
          <button type="button" className="button small danger" onClick={onRevoke} aria-label={`${t('tokens.revoke')}: ${token.name}`}>
            {t('tokens.revoke')}
          </button>
        )}
      </td>
    </>
  );
}

/** Revoking after a confirmation: the token asked about (for the dialog), then the one revoked (for the notice). */
export function useTokenRevocation<T extends TokenView>(revoke: (id: string) => Promise<unknown>, afterwards: () => void) {
  const [asking, setAsking] = useState<T | null>(null);
  const [revoked, setRevoked] = useState<T | null>(null);
  return {
    asking,
    revoked,
    ask: setAsking,
    cancel: () => setAsking(null),
    /** A new token was made meanwhile: the earlier notice is old news. */
    forget: () => setRevoked(null),
    async confirm() {
      if (!asking) return;
      setAsking(null);
      await revoke(asking.id);
      setRevoked(asking);
      afterwards();
    },
  };
}
