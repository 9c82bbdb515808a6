import { stat } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { startThread } from '../threads.js';

const THREAD_ENTRY = new URL('./wal-checkpointer.thread', import.meta.url);
const CHECKPOINT_EVERY_MS = 200;
/** How often the WAL's size is looked at until the thread is needed. */
const LOOK_EVERY_MS = 1_000;
/** The thread starts once the WAL has grown this large: an installation that writes little never pays for it. */
const START_AT_WAL_BYTES = 1_000_000;

/**
 * The pages the application's own connection lets the WAL reach before it checkpoints by itself:
 * a safety net for a checkpointer that has not started yet, stopped or cannot keep up (about
 * 40 MB).
 */
export const MAIN_CONNECTION_AUTOCHECKPOINT_PAGES = 10_000;

/**
 * Copies the SQLite WAL back into the database from a thread of its own. SQLite's automatic
 * checkpoint runs inside whichever commit takes the WAL past 1,000 pages, on the event loop, and
 * takes milliseconds (it fsyncs): on a busy outbox that is every second or so, and whichever
 * business transaction or HTTP request drew it waited 4-8 ms. A passive checkpoint on another
 * connection blocks neither readers nor the writer. The thread (about 14 MB) starts only once
 * the WAL grows past 1 MB, so an idle installation stays small.
 */
export class WalCheckpointer {
  private thread: Worker | null = null;
  private exited: Promise<unknown> | null = null;
  private stopped = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly file: string) {
    this.timer = setInterval(() => this.startOnceWalGrows(), LOOK_EVERY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    if (!this.thread) return;
    // Unreferenced, the thread would let the process end while this waits for it to exit.
    this.thread.ref();
    this.thread.postMessage('stop');
    await this.exited;
  }

  private startOnceWalGrows(): void {
    stat(`${this.file}-wal`, (error, wal) => {
      if (error || wal.size < START_AT_WAL_BYTES || this.thread || this.stopped) return;
      clearInterval(this.timer);
      const thread = startThread(THREAD_ENTRY, { file: this.file, everyMs: CHECKPOINT_EVERY_MS });
      thread.unref();
      this.exited = new Promise((resolve) => thread.once('exit', resolve));
      // A thread that failed leaves checkpoints to the main connection's safety net.
      thread.on('error', () => {});
      this.thread = thread;
    });
  }
}
