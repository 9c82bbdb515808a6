import { Worker } from 'node:worker_threads';

const fromSource = import.meta.url.endsWith('.ts');

/**
 * Starts a worker thread on the module `entry` names without its extension (`new
 * URL('./x.thread', import.meta.url)`). Compiled, that is the .js file in dist/. From the
 * TypeScript source (tests, `tsx`) the thread first registers tsx's loader: `--import tsx` in a
 * thread's execArgv does not apply to the thread's own entry file.
 */
export function startThread(entry: URL, workerData: unknown): Worker {
  if (!fromSource) return new Worker(new URL(`${entry.href}.js`), { workerData });
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => {
    register();
    return import(${JSON.stringify(`${entry.href}.ts`)});
  });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
