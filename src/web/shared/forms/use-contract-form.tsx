import { type FormEvent, type ReactNode, useRef, useState } from 'react';
import { type DefaultValues, type FieldValues, FormProvider, useForm } from 'react-hook-form';
import type { z } from 'zod';
import { ApiError } from '../api/client';
import { Notice } from '../components/Notice';
import { useI18n } from '../i18n/i18n';
import { contractResolver, focusFirstInvalid, showServerProblems } from './contract-form';
import { Button } from '../components/Button';

export interface Outcome {
  tone: 'success' | 'error';
  text: string;
}

/**
 * A form checked with an API contract before it is sent, whose refusals (422) land at their
 * fields: `submitWith(action)` runs the action with valid values and shows what it answers.
 */
export function useContractForm<V extends FieldValues>(options: {
  schema: z.ZodType;
  defaultValues: DefaultValues<V>;
  /** The request body the values become; the values themselves by default. */
  toBody?: (values: V) => unknown;
}) {
  const { t } = useI18n();
  const element = useRef<HTMLFormElement>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const form = useForm<V>({
    defaultValues: options.defaultValues,
    resolver: contractResolver(options.schema, options.toBody ?? ((values: V) => values), t),
    shouldFocusError: false,
  });

  /** `action` saves and returns the message to show (null: nothing); a refusal is shown at the fields and above the form. */
  const submitWith = (action: (values: V) => Promise<string | null>) =>
    form.handleSubmit(
      async (values) => {
        setOutcome(null);
        try {
          const text = await action(values);
          setOutcome(text === null ? null : { tone: 'success', text });
        } catch (error) {
          if (error instanceof ApiError) showServerProblems(form, error.fields, element.current);
          setOutcome({ tone: 'error', text: error instanceof Error ? error.message : String(error) });
        }
      },
      () => focusFirstInvalid(element.current),
    );

  return { form, element, outcome, submitWith };
}

export function OutcomeNotice({ outcome }: { outcome: Outcome | null }) {
  if (!outcome) return null;
  return (
    <Notice tone={outcome.tone} live>
      {outcome.text}
    </Notice>
  );
}

/**
 * A form of useContractForm: what its last submission answered, its fields, and its submit
 * button (or, with `id`, none: a dialog's button outside submits it).
 */
export function ContractForm<V extends FieldValues>({
  contract,
  onSubmit,
  submitLabel,
  id,
  className,
  children,
}: {
  contract: ReturnType<typeof useContractForm<V>>;
  onSubmit(event: FormEvent): void;
  submitLabel?: string;
  id?: string;
  className?: string;
  children: ReactNode;
}) {
  const { form, element, outcome } = contract;
  return (
    <FormProvider {...form}>
      <OutcomeNotice outcome={outcome} />
      <form id={id} ref={element} onSubmit={onSubmit} noValidate className={className}>
        {children}
        {submitLabel && (
          <Button type="submit" className="button primary" unavailable={form.formState.isSubmitting}>
            {submitLabel}
          </Button>
        )}
      </form>
    </FormProvider>
  );
}
