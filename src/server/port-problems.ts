import { t } from '../i18n/index.js';
import { consoleLocaleOf } from './config.js';

/**
 * A port Tayori could not open, said in the operator's language with the setting that chose it:
 * Node's own `listen EADDRINUSE: address already in use 127.0.0.1:3000` names neither. Any
 * other error is returned as it is.
 */
export function portProblem(error: unknown, variable: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const key = code === 'EADDRINUSE' ? 'serve.port_in_use' : code === 'EACCES' ? 'serve.port_not_allowed' : null;
  return key ? new Error(t(consoleLocaleOf(), key, { port, variable }), { cause: error }) : error;
}
