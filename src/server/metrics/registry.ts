import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus metrics (prom-client). Counters and histograms are counted where
 * things happen; the gauges that describe shared state (outbox depth, transport state) are read
 * from the database at each scrape, so every instance reports the same truth.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'tayori_' });

export const metrics = {
  databaseUp: new Gauge({ name: 'tayori_database_up', help: '1 when the database answers.', registers: [registry] }),
  outboxMails: new Gauge({
    name: 'tayori_outbox_mails',
    help: 'Mails in the outbox by state.',
    labelNames: ['state'] as const,
    registers: [registry],
  }),
  oldestDueSeconds: new Gauge({
    name: 'tayori_outbox_oldest_due_seconds',
    help: 'How long the longest-waiting due mail has been due (0 when none is); a mail waiting for a later retry does not count.',
    registers: [registry],
  }),
  transportFailing: new Gauge({
    name: 'tayori_transport_failing',
    help: '1 while the mail transport has transport-wide faults (SPEC §2.3).',
    registers: [registry],
  }),
  sends: new Counter({
    name: 'tayori_sends_total',
    help: 'Send attempts by this process, by outcome (sent, transient, permanent, transport) and transport (managed, smtp, gmail).',
    labelNames: ['outcome', 'transport'] as const,
    registers: [registry],
  }),
  suspensions: new Counter({
    name: 'tayori_account_suspensions_total',
    help: 'Accounts this process suspended after repeated login failures (アカウント停止).',
    registers: [registry],
  }),
  monitorLooks: new Counter({
    name: 'tayori_monitor_looks_total',
    help: 'Looks of the thread monitor committed by this process while it led.',
    registers: [registry],
  }),
  monitorDigests: new Counter({
    name: 'tayori_monitor_digests_total',
    help: 'Digest mails the thread monitor wrote, by kind.',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  tokenRefreshes: new Counter({
    name: 'tayori_oauth_token_refreshes_total',
    help: 'OAuth access-token refreshes by this process, by outcome (refreshed, reauth_required, failed).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  }),
  sendSeconds: new Histogram({
    name: 'tayori_send_duration_seconds',
    help: 'Time from the start of a send to the server accepting or refusing it.',
    labelNames: ['transport'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  }),
};
