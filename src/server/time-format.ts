// The formatter moved to src/i18n so the screen shows times as mail does. outbox/transport-health.ts
// (being rewritten with the outbox) still imports it from here; point it at ../i18n and drop this file.
export { formatInZone, formatUtc } from '../i18n/time-format.js';
