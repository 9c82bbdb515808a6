import { useRef, useState } from 'react';
import { FormProvider, useForm, useWatch } from 'react-hook-form';
import { type LockoutPolicyView, lockoutPolicyForm } from '../../../../contracts/lockout';
import { ApiError } from '../../../shared/api/client';
import { RadioGroupField, TextField } from '../../../shared/components/fields';
import { Notice } from '../../../shared/components/Notice';
import { UnsavedChangesGuard } from '../../../shared/components/UnsavedChangesGuard';
import { contractResolver, focusFirstInvalid, showServerProblems } from '../../../shared/forms/contract-form';
import { useI18n } from '../../../shared/i18n/i18n';
import { saveLockoutPolicy } from '../api/lockout';
import { formValuesOf, type PolicyFormValues, requestBodyOf } from '../model/policy-values';
import { useLockoutMessages } from './messages';
import { Button } from '../../../shared/components/Button';

/** A save that did not happen: someone saved since the form was read (409), or the request failed. */
type Refusal = 'conflict' | { failed: string } | null;

/**
 * 停止の条件: checked in the browser with the API's own contract and messages, each refusal
 * beside its field with the first one focused; a save over a newer one (409) is explained, and
 * leaving with unsaved changes asks first.
 */
export function PolicyForm({
  policy,
  justSaved,
  onSaved,
  onReload,
}: {
  policy: LockoutPolicyView;
  justSaved: boolean;
  onSaved(policy: LockoutPolicyView): void;
  onReload(): void;
}) {
  const { t } = useI18n();
  const text = useLockoutMessages();
  const element = useRef<HTMLFormElement>(null);
  const [refusal, setRefusal] = useState<Refusal>(null);
  const form = useForm<PolicyFormValues>({
    defaultValues: formValuesOf(policy),
    resolver: contractResolver(lockoutPolicyForm, (values: PolicyFormValues) => requestBodyOf(values, policy.version), t),
    shouldFocusError: false,
  });
  const duration = useWatch({ control: form.control, name: 'duration' });

  const submit = form.handleSubmit(
    async (values) => {
      setRefusal(null);
      try {
        onSaved(await saveLockoutPolicy(lockoutPolicyForm.parse(requestBodyOf(values, policy.version))));
      } catch (error) {
        if (error instanceof ApiError && error.status === 422) showServerProblems(form, error.fields, element.current);
        else if (error instanceof ApiError && error.status === 409) setRefusal('conflict');
        else setRefusal({ failed: error instanceof Error ? error.message : String(error) });
      }
    },
    () => focusFirstInvalid(element.current),
  );

  return (
    <FormProvider {...form}>
      <form ref={element} onSubmit={submit} noValidate>
        {policy.version === 0 && <p className="hint">{text('lockout.policy.defaults')}</p>}
        {justSaved && !form.formState.isDirty && (
          <Notice tone="success" live>
            {text('lockout.policy.saved')}
          </Notice>
        )}
        <TextField name="threshold" label={text('lockout.policy.threshold')} hint={text('lockout.policy.threshold_hint')} inputMode="numeric" />
        <TextField name="windowMinutes" label={text('lockout.policy.window')} hint={text('lockout.policy.window_hint')} inputMode="numeric" />
        <RadioGroupField<PolicyFormValues['duration']>
          name="duration"
          legend={text('lockout.policy.duration')}
          choices={[
            { value: 'minutes', label: text('lockout.policy.duration_minutes_choice') },
            { value: 'until-lifted', label: text('lockout.policy.duration_until_lifted_choice') },
          ]}
        >
          {duration === 'minutes' && (
            <div className="dependent">
              <TextField
                name="durationMinutes"
                label={text('lockout.policy.duration_minutes')}
                hint={text('lockout.policy.duration_minutes_hint')}
                inputMode="numeric"
              />
            </div>
          )}
        </RadioGroupField>
        <p className="hint">{text('lockout.policy.applies')}</p>
        <div className="form-actions">
          {refusal === 'conflict' && (
            <Notice tone="error" live>
              <p>{text('lockout.policy.conflict')}</p>
              <button type="button" className="button" onClick={onReload}>
                {text('lockout.policy.reload_latest')}
              </button>
            </Notice>
          )}
          {refusal !== null && typeof refusal === 'object' && (
            <Notice tone="error" live>
              {refusal.failed}
            </Notice>
          )}
          <Button type="submit" className="button primary" unavailable={form.formState.isSubmitting}>
            {t('common.save')}
          </Button>
        </div>
      </form>
      <UnsavedChangesGuard unsaved={form.formState.isDirty} />
    </FormProvider>
  );
}
