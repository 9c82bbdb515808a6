import { t } from '../i18n/index.js';
import { consoleLocaleOf } from './config.js';

/**
 * A port Tayori could not open, said in the operator's language with the setting that chose it:
 * Node's own `listen EADDRINUSE: address already in use 127.0.0.1:3000` names neither. Any
 * other error is returned as it is.
 */
export function portProblem(error: unknown, variable: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') return new Error(t(consoleLocaleOf(), 'serve.port_in_use', { port, variable }), { cause: error });
  if (code === 'EACCES') return new Error(t(consoleLocaleOf(), 'serve.port_not_allowed', { port, variable }), { cause: error });
  return error;
}
