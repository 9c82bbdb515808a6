/**
 * The sender of mail that goes through the dev mailbox when nothing else names one: seeded into
 * the settings on a first start, and the alert fallback's sender. `tayori@localhost` would be
 * refused by the address parser (a one-label domain); `.localhost` is reserved for this use.
 */
export const DEV_MAILBOX_SENDER = 'noreply@tayori.localhost';
