import { useI18n } from '../i18n/i18n';

/** Above a long form after a refused save: every problem with the name of its field. */
export function ErrorSummary({ problems }: { problems: { label: string; message: string }[] }) {
  const { t } = useI18n();
  return (
    <div className="notice error" role="alert">
      <p className="notice-title">{t('common.errors_below')}</p>
      {problems.length > 0 && (
        <ul>
          {problems.map((problem, index) => (
            <li key={index}>
              {problem.label && <strong>[{problem.label}] </strong>}
              <span className="multiline">{problem.message}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
