import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackgroundService } from '../src/server/main.js';
import { startMetricsServer } from '../src/server/metrics/metrics.server.js';
import { createMailApi } from '../src/server/outbox/enqueue.js';
import { OutboxWorker } from '../src/server/outbox/worker.js';
import { freshAppEachTest, login } from './support/app.js';
import { freePort } from './support/cli.js';
import { dialects } from './support/databases.js';
import { saveMailSettings, smtpSettingsForm } from './support/mail-settings.js';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.js';

/** The value of one sample line of the exposition, 0 when absent. */
function sample(exposition: string, series: string): number {
  const line = exposition.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe.each(dialects())('Prometheus metrics on $name', (dialect) => {
  let sink: SmtpSink;
  let server: BackgroundService | null;
  let port: number;
  const t = freshAppEachTest(dialect, async () => {
    port = await freePort();
    return { env: { TAYORI_METRICS_PORT: String(port) } };
  });

  beforeEach(async () => {
    sink = await startSmtpSink({ tls: 'none' });
    await saveMailSettings(await login(t.app), smtpSettingsForm(sink.port));
    server = await startMetricsServer(t.ctx);
  });
  afterEach(async () => {
    await server?.stop();
    await sink?.close();
  });

  const scrape = async () => {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return response.text();
  };

  it('counts sends by outcome, times them, and reads the outbox depth from the database at each scrape', async () => {
    const before = await scrape();
    sink.rejectRecipient('gone@example.jp', '550 5.1.1 User unknown');
    const mail = createMailApi(t.ctx);
    await mail.enqueue(t.ctx.db, { to: 'ok@example.jp', subject: '届く', text: 'x' });
    await mail.enqueue(t.ctx.db, { to: 'gone@example.jp', subject: '届かない', text: 'x' });
    await mail.enqueue(t.ctx.db, { to: 'later@example.jp', subject: '待つ', text: 'x' });
    expect(sample(await scrape(), 'tayori_outbox_mails{state="queued"}')).toBe(3);

    const worker = new OutboxWorker(t.ctx);
    await worker.deliverDueMails();
    await worker.stop();
    const after = await scrape();
    expect(sample(after, 'tayori_outbox_mails{state="sent"}')).toBe(2);
    expect(sample(after, 'tayori_outbox_mails{state="failed"}')).toBe(1);
    expect(sample(after, 'tayori_outbox_mails{state="queued"}')).toBe(0);
    const delta = (series: string) => sample(after, series) - sample(before, series);
    expect(delta('tayori_sends_total{outcome="sent",transport="smtp"}')).toBe(2);
    expect(delta('tayori_sends_total{outcome="permanent",transport="smtp"}')).toBe(1);
    expect(delta('tayori_send_duration_seconds_count{transport="smtp"}')).toBe(3);
    expect(sample(after, 'tayori_database_up')).toBe(1);
    expect(sample(after, 'tayori_transport_failing')).toBe(0);
    expect(sample(after, 'tayori_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('leaves a failed test mail out of the outbox counts, so the operator’s check does not look like mail lost', async () => {
    sink.rejectRecipient('gone@example.jp', '550 5.1.1 User unknown');
    const admin = await login(t.app);
    const check = await admin.request('POST', '/api/settings/mail/test-mail', { ...smtpSettingsForm(sink.port), to: 'gone@example.jp' });
    expect(check.json()).toMatchObject({ ok: false });
    expect((await admin.request('GET', '/api/mail/deliveries?kind=test')).json().deliveries).toMatchObject([{ state: 'failed' }]);

    expect(sample(await scrape(), 'tayori_outbox_mails{state="failed"}')).toBe(0);
    expect((await admin.request('GET', '/api/health')).json().outbox).toEqual({});
  });

  it('counts the accounts suspended after repeated login failures', async () => {
    const admin = await login(t.app);
    expect((await admin.request('PUT', '/api/settings/lockout', { threshold: 2, windowMinutes: 30, durationMinutes: 30 })).statusCode).toBe(200);
    const before = await scrape();
    for (let i = 0; i < 3; i++) {
      await t.app.inject({ method: 'POST', url: '/api/session', payload: { loginId: 'admin', password: 'wrong-password' } });
    }
    const after = await scrape();
    expect(sample(after, 'tayori_account_suspensions_total') - sample(before, 'tayori_account_suspensions_total')).toBe(1);
  });

  it('answers only GET /metrics, only on 127.0.0.1', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' })).status).toBe(404);
  });
});
