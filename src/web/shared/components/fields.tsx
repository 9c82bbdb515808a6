import { type ReactNode, useId } from 'react';
import { Controller, get, type RegisterOptions, useFormContext } from 'react-hook-form';

/**
 * Form fields bound to the surrounding react-hook-form by name (the request body's path). Each
 * has a visible label, its hint and its error tied to it with aria-describedby, and marks itself
 * invalid so the first error can take the focus.
 */

interface FieldText {
  label: ReactNode;
  hint?: ReactNode;
}

function useFieldError(name: string): string | undefined {
  const {
    formState: { errors },
  } = useFormContext();
  return (get(errors, name) as { message?: string } | undefined)?.message;
}

function describedBy(...ids: (string | false | undefined)[]) {
  const joined = ids.filter(Boolean).join(' ');
  return joined || undefined;
}

export function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <p id={id} className="field-error">
      {message}
    </p>
  );
}

export function Hint({ id, children }: { id: string; children?: ReactNode }) {
  if (!children) return null;
  return (
    <div id={id} className="hint">
      {children}
    </div>
  );
}

/** What a labelled control needs to be tied to its label, hint and error. */
interface ControlProps {
  id: string;
  'aria-invalid'?: true;
  'data-invalid'?: true;
  'aria-describedby'?: string;
}

/** A label above its hint, the control and the error, all tied together. */
function LabelledField({ name, label, hint, children }: FieldText & { name: string; children(control: ControlProps): ReactNode }) {
  const id = useId();
  const error = useFieldError(name);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <Hint id={`${id}-hint`}>{hint}</Hint>
      {children({
        id,
        'aria-invalid': error ? true : undefined,
        'data-invalid': error ? true : undefined,
        'aria-describedby': describedBy(hint !== undefined && `${id}-hint`, error && `${id}-error`),
      })}
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

export function TextField({
  name,
  label,
  hint,
  type = 'text',
  autoComplete,
  inputMode,
  readOnly,
  wide,
  options,
}: FieldText & {
  name: string;
  type?: 'text' | 'password' | 'email';
  autoComplete?: string;
  inputMode?: 'numeric' | 'email';
  readOnly?: boolean;
  wide?: boolean;
  options?: RegisterOptions;
}) {
  const { register } = useFormContext();
  return (
    <LabelledField name={name} label={label} hint={hint}>
      {(control) => (
        <input
          {...control}
          type={type}
          className={wide ? 'wide' : undefined}
          autoComplete={autoComplete ?? 'off'}
          inputMode={inputMode}
          readOnly={readOnly}
          spellCheck={false}
          {...register(name, options)}
        />
      )}
    </LabelledField>
  );
}

export interface Choice<V extends string | number> {
  value: V;
  label: ReactNode;
  hint?: ReactNode;
}

export function SelectField<V extends string | number>({
  name,
  label,
  hint,
  choices,
  numeric,
}: FieldText & { name: string; choices: Choice<V>[]; numeric?: boolean }) {
  const { register } = useFormContext();
  return (
    <LabelledField name={name} label={label} hint={hint}>
      {(control) => (
        <select {...control} {...register(name, numeric ? { setValueAs: Number } : undefined)}>
          {choices.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
      )}
    </LabelledField>
  );
}

export function CheckboxField({ name, label, hint }: FieldText & { name: string }) {
  const id = useId();
  const { register } = useFormContext();
  const error = useFieldError(name);
  return (
    <div className="field checkbox">
      <input
        id={id}
        type="checkbox"
        aria-invalid={error ? true : undefined}
        data-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint !== undefined && `${id}-hint`, error && `${id}-error`)}
        {...register(name)}
      />
      <label htmlFor={id}>{label}</label>
      <Hint id={`${id}-hint`}>{hint}</Hint>
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

/**
 * A set of radio buttons under one legend. With `onChoose` the choice goes through the caller
 * first (to confirm it); otherwise it is taken at once. Values are kept as they are (booleans stay booleans).
 */
export function RadioGroupField<V extends string | boolean>({
  name,
  legend,
  hint,
  choices,
  onChoose,
  inline,
  children,
}: {
  name: string;
  legend: ReactNode;
  hint?: ReactNode;
  choices: { value: V; label: ReactNode; hint?: ReactNode }[];
  onChoose?: (value: V, take: () => void) => void;
  inline?: boolean;
  /** Fields that belong to this choice, shown inside the same group after the radio buttons. */
  children?: ReactNode;
}) {
  const id = useId();
  const { control } = useFormContext();
  const error = useFieldError(name);
  return (
    <Controller
      name={name}
      control={control}
      render={({ field }) => (
        <fieldset
          className={inline ? 'field radios inline' : 'field radios'}
          data-invalid={error ? true : undefined}
          aria-describedby={describedBy(hint !== undefined && `${id}-hint`, error && `${id}-error`)}
        >
          <legend>{legend}</legend>
          <Hint id={`${id}-hint`}>{hint}</Hint>
          {choices.map((choice, index) => (
            <div className="radio" key={String(choice.value)}>
              <input
                id={`${id}-${index}`}
                type="radio"
                name={field.name}
                ref={index === 0 ? field.ref : undefined}
                checked={field.value === choice.value}
                aria-invalid={error ? true : undefined}
                aria-describedby={choice.hint ? `${id}-${index}-hint` : undefined}
                onBlur={field.onBlur}
                onChange={() => {
                  const take = () => field.onChange(choice.value);
                  if (onChoose) onChoose(choice.value, take);
                  else take();
                }}
              />
              <label htmlFor={`${id}-${index}`}>{choice.label}</label>
              {choice.hint && (
                <span id={`${id}-${index}-hint`} className="hint inline-hint">
                  {choice.hint}
                </span>
              )}
            </div>
          ))}
          <FieldError id={`${id}-error`} message={error} />
          {children}
        </fieldset>
      )}
    />
  );
}
