import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** The counting sink runs in a child process (bench/counting-sink.ts), so each side has a core. */
export async function startCountingSink(delayMs = 0) {
  const child = fork(fileURLToPath(new URL('./counting-sink.ts', import.meta.url)), [String(delayMs)], { execArgv: ['--import', 'tsx'] });
  const reply = <T>(key: string) =>
    new Promise<T>((resolve) => {
      const listener = (message: Record<string, T>) => {
        if (key in message) {
          child.off('message', listener);
          resolve(message[key]);
        }
      };
      child.on('message', listener);
    });
  const port = await reply<number>('port');
  return {
    port,
    pid: child.pid!,
    received: async () => {
      const count = reply<number>('count');
      child.send({ count: true });
      return count;
    },
    reset: async () => {
      const done = reply('reset');
      child.send({ reset: true });
      await done;
    },
    until: async (target: number) => {
      const done = reply('reached');
      child.send({ until: target });
      await done;
    },
    close: () => {
      child.send({ close: true });
      return once(child, 'exit');
    },
  };
}

export type CountingSink = Awaited<ReturnType<typeof startCountingSink>>;
