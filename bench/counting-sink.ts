/**
 * A loopback SMTP sink in its own process that only counts what it receives, so the cost of
 * receiving neither hides nor inflates the difference between the two senders being compared.
 * The parent asks for a reset or the count, or waits for a count, over IPC.
 */
import { SMTPServer } from 'smtp-server';

/** Each message is answered this long after it arrived: a real server's latency (argv[2], ms). */
const delayMs = Number(process.argv[2] ?? 0);
let received = 0;
let waitingFor: number | null = null;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, _session, callback) {
    stream.on('data', () => {});
    stream.on('end', () => {
      const accept = () => {
        received++;
        if (waitingFor !== null && received >= waitingFor) {
          waitingFor = null;
          process.send!({ reached: received });
        }
        callback();
      };
      if (delayMs > 0) setTimeout(accept, delayMs);
      else accept();
    });
  },
});

server.listen(0, '127.0.0.1', () => {
  process.send!({ port: (server.server.address() as { port: number }).port });
});

process.on('message', (command: { reset?: true; count?: true; until?: number; close?: true }) => {
  if (command.count) {
    process.send!({ count: received });
  } else if (command.reset) {
    received = 0;
    process.send!({ reset: true });
  } else if (command.until !== undefined) {
    if (received >= command.until) process.send!({ reached: received });
    else waitingFor = command.until;
  } else if (command.close) {
    server.close(() => process.exit(0));
  }
});

// The benchmark that started this sink ended (or crashed): do not outlive it.
process.on('disconnect', () => process.exit(0));
