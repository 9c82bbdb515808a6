import { useRef, useState } from 'react';
import type { SuspensionView } from '../../../../contracts/lockout';
import { useLoader } from '../../../shared/api/use-loader';
import { ConfirmDialog } from '../../../shared/components/ConfirmDialog';
import { DataTable } from '../../../shared/components/DataTable';
import { Loading } from '../../../shared/components/Loading';
import { type Outcome, OutcomeNotice } from '../../../shared/forms/use-contract-form';
import { Time } from '../../../shared/i18n/Time';
import { liftSuspension, listSuspensions } from '../api/lockout';
import { useLockoutMessages } from './messages';
import { FormSection } from '../../../shared/components/FormSection';

/** 停止中のアカウント, each with 停止解除 behind a confirmation. */
export function SuspensionsSection() {
  const text = useLockoutMessages();
  const { state, reload } = useLoader(listSuspensions, []);
  const [lifting, setLifting] = useState<SuspensionView | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  const lift = async (suspension: SuspensionView) => {
    setLifting(null);
    const names = { name: suspension.displayName, loginId: suspension.loginId };
    try {
      await liftSuspension(suspension.userId);
      setOutcome({ tone: 'success', text: text('lockout.lift.done', names) });
    } catch (error) {
      // Most likely it resumed by itself or another administrator lifted it: the list shows which.
      setOutcome({ tone: 'error', text: error instanceof Error ? error.message : String(error) });
    }
    // The row and its button are going: the keyboard goes on from the list's heading.
    heading.current?.focus();
    reload();
  };

  return (
    <FormSection title={text('lockout.suspensions.heading')} headingRef={heading}>
      <div className="toolbar">
        <button type="button" className="button" onClick={reload}>
          {text('lockout.suspensions.refresh')}
        </button>
      </div>
      <OutcomeNotice outcome={outcome} />
      <Loading state={state} reload={reload}>
        {(suspensions) => <SuspensionsTable suspensions={suspensions} onLift={setLifting} />}
      </Loading>
      {lifting && (
        <ConfirmDialog
          title={text('lockout.lift.title', { name: lifting.displayName, loginId: lifting.loginId })}
          confirmLabel={text('lockout.lift')}
          danger
          onConfirm={() => lift(lifting)}
          onCancel={() => setLifting(null)}
        >
          <p>{text('lockout.lift.body')}</p>
        </ConfirmDialog>
      )}
    </FormSection>
  );
}

function SuspensionsTable({ suspensions, onLift }: { suspensions: SuspensionView[]; onLift(suspension: SuspensionView): void }) {
  const text = useLockoutMessages();
  if (suspensions.length === 0) return <p>{text('lockout.suspensions.none')}</p>;
  const columns = [
    text('lockout.suspensions.name'),
    text('users.login_id'),
    text('lockout.suspensions.suspended_at'),
    text('lockout.suspensions.resumes_at'),
    text('lockout.suspensions.failures'),
    text('lockout.suspensions.ip'),
    text('users.actions'),
  ];
  return (
    <DataTable caption={text('lockout.suspensions.heading')} columns={columns}>
      {suspensions.map((suspension) => (
        <tr key={suspension.userId}>
          <th scope="row">{suspension.displayName}</th>
          <td>{suspension.loginId}</td>
          <td>
            <Time iso={suspension.suspendedAt} />
          </td>
          <td>{suspension.resumesAt ? <Time iso={suspension.resumesAt} /> : text('lockout.until_lifted')}</td>
          <td>{text('lockout.suspensions.failures_count', { count: suspension.failures })}</td>
          <td>{suspension.lastIp ?? text('lockout.ip_unknown')}</td>
          <td className="actions">
            <button
              type="button"
              className="button small"
              onClick={() => onLift(suspension)}
              aria-label={text('lockout.lift.named', { name: suspension.displayName, loginId: suspension.loginId })}
            >
              {text('lockout.lift')}
            </button>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
