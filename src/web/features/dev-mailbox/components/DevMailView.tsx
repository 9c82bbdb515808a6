import { useEffect, useRef } from 'react';
import type { DevMail } from '../../../../contracts/dev-mailbox';
import { Loading } from '../../../shared/components/Loading';
import { useLoader } from '../../../shared/api/use-loader';
import { useI18n } from '../../../shared/i18n/i18n';
import { Time } from '../../../shared/i18n/Time';
import { readDevMail } from '../api/dev-mailbox';

/** One received mail: its headers, its text, and its HTML only inside a sandboxed frame where no script runs. */
export function DevMailView({ id }: { id: string }) {
  const { state, reload } = useLoader(() => readDevMail(id), [id]);
  return (
    <Loading state={state} reload={reload}>
      {(mail) => <MailContent mail={mail.message} />}
    </Loading>
  );
}

function MailContent({ mail }: { mail: DevMail['message'] }) {
  const { t } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  // Opening a mail takes the reader to it.
  useEffect(() => heading.current?.focus(), []);
  return (
    <article className="dev-mail" aria-labelledby="dev-mail-subject">
      <h2 id="dev-mail-subject" ref={heading} tabIndex={-1}>
        {mail.subject ?? t('devmail.no_subject')}
      </h2>
      <dl className="read-only">
        <dt>{t('devmail.received')}</dt>
        <dd>
          <Time iso={mail.received} />
        </dd>
        <dt>{t('devmail.from')}</dt>
        <dd>{mail.from ?? '—'}</dd>
        <dt>{t('devmail.to')}</dt>
        <dd>{mail.to.join(', ')}</dd>
      </dl>
      <details>
        <summary>{t('devmail.headers')}</summary>
        <table>
          <tbody>
            {mail.headers.map((header, index) => (
              <tr key={index}>
                <th scope="row">{header.name}</th>
                <td>{header.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      {mail.text !== null && (
        <section aria-labelledby="dev-mail-text">
          <h3 id="dev-mail-text">{t('devmail.text')}</h3>
          <pre className="mail-text">{mail.text}</pre>
        </section>
      )}
      {mail.html !== null && (
        <section aria-labelledby="dev-mail-html">
          <h3 id="dev-mail-html">{t('devmail.html')}</h3>
          <p className="hint">{t('devmail.html_sandboxed')}</p>
          {/* sandbox="" : no scripts, no forms, no top navigation, a unique origin without cookies. */}
          <iframe className="mail-html" title={t('devmail.html')} sandbox="" srcDoc={mail.html} />
        </section>
      )}
    </article>
  );
}
