/**
 * Checkpoints the SQLite database workerData.file every workerData.everyMs (see
 * wal-checkpointer.ts), on its own connection, until the main thread says stop.
 */
import SQLite from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const { file, everyMs } = workerData as { file: string; everyMs: number };
const connection = new SQLite(file);

const timer = setInterval(() => {
  try {
    // PASSIVE: copies what it can without waiting for, or blocking, any reader or writer.
    connection.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Another process's checkpoint holds the lock (SQLITE_BUSY): it does the same work.
  }
}, everyMs);

parentPort!.once('message', () => {
  clearInterval(timer);
  connection.close();
  parentPort!.close();
});
