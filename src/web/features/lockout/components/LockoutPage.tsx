import { useState } from 'react';
import type { LockoutPolicyView } from '../../../../contracts/lockout';
import { useLoader } from '../../../shared/api/use-loader';
import { Loading } from '../../../shared/components/Loading';
import { PageHeader } from '../../../shared/components/PageHeader';
import { Link } from '../../../shared/router/router';
import { loadLockoutPolicy } from '../api/lockout';
import { useLockoutMessages } from './messages';
import { PolicyForm } from './PolicyForm';
import { SuspensionsSection } from './SuspensionsSection';
import { FormSection } from '../../../shared/components/FormSection';

/** システムの設定 › 環境設定 › アカウント停止 (SPEC §3): the policy, and the suspensions in force with 停止解除. */
export function LockoutPage() {
  const text = useLockoutMessages();
  return (
    <>
      <PageHeader title={text('lockout.page.title')}>
        <p>{text('lockout.page.intro')}</p>
        <p>
          {text('lockout.page.recipients')} <Link to="/settings/mail">{text('lockout.page.recipients_link')}</Link>
        </p>
      </PageHeader>
      <PolicySection />
      <SuspensionsSection />
    </>
  );
}

function PolicySection() {
  const text = useLockoutMessages();
  const { state, reload } = useLoader(loadLockoutPolicy, []);
  // After a save the form starts again from what the server stored, saying that it was saved.
  const [saved, setSaved] = useState<LockoutPolicyView | null>(null);
  return (
    <FormSection title={text('lockout.policy.heading')}>
      <Loading state={state} reload={reload}>
        {(loaded) => {
          const policy = saved && saved.version >= loaded.version ? saved : loaded;
          return (
            <PolicyForm
              key={policy.version}
              policy={policy}
              justSaved={policy === saved}
              onSaved={setSaved}
              onReload={() => {
                setSaved(null);
                reload();
              }}
            />
          );
        }}
      </Loading>
    </FormSection>
  );
}
