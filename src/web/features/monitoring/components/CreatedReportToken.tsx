import { useId } from 'react';
import type { ReportTokenView } from '../../../../contracts/monitoring';
import { CopyButton } from '../../../shared/components/CopyButton';
import { Notice } from '../../../shared/components/Notice';
import { OnceShownToken } from '../../../shared/components/tokens';
import { useI18n } from '../../../shared/i18n/i18n';
import { tayoriRunLine } from '../model/run-command';
import { useMonitoringText } from './use-monitoring-text';

/**
 * A new report token, shown this once with a copy button, and the `tayori run` line that uses
 * it. The focus goes to the token: it is what the administrator came for.
 */
export function CreatedReportToken({ token }: { token: ReportTokenView & { token: string } }) {
  const { t } = useI18n();
  const mt = useMonitoringText();
  const id = useId();
  // The server signs in only from its public origin (TAYORI_PUBLIC_URL), so this page's origin is that one.
  const line = tayoriRunLine({ kind: token.kind, name: token.name, origin: window.location.origin, token: token.token });
  return (
    <Notice tone="success" live title={mt('report_tokens.created_title', { name: token.name })}>
      <p>{t('tokens.created_once')}</p>
      <OnceShownToken id={`${id}-token`} token={token.token} copyLabel={mt('report_tokens.copy_token')} focus />
      <div className="field run-line">
        <label htmlFor={`${id}-line`}>{mt('report_tokens.run_line')}</label>
        <div id={`${id}-hint`} className="hint">
          {mt('report_tokens.run_line_hint')}
        </div>
        <textarea id={`${id}-line`} readOnly rows={3} value={line} aria-describedby={`${id}-hint`} spellCheck={false} onFocus={(event) => event.target.select()} />
        <CopyButton value={line} label={mt('report_tokens.copy_line')} />
      </div>
    </Notice>
  );
}
