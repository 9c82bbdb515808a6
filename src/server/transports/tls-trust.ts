import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';

/** TAYORI_SMTP_CA_FILE could not be read: every TLS connection would fail the same way. */
export class CaFileError extends Error {
  constructor(readonly path: string, cause: unknown) {
    super(`TAYORI_SMTP_CA_FILE ${path} cannot be read`, { cause });
    this.name = 'CaFileError';
  }
}

const bundles = new Map<string, string[]>();

/**
 * The CAs an SMTP server certificate may chain to: the system's plus TAYORI_SMTP_CA_FILE, read
 * once. Undefined without a file, so Node keeps its own default. Giving `ca` alone would
 * replace the system CAs, hence both together.
 */
export function trustedCertificates(caFile: string | undefined): string[] | undefined {
  if (caFile === undefined) return undefined;
  let bundle = bundles.get(caFile);
  if (!bundle) {
    try {
      bundle = [...rootCertificates, readFileSync(caFile, 'utf8')];
    } catch (error) {
      throw new CaFileError(caFile, error);
    }
    bundles.set(caFile, bundle);
  }
  return bundle;
}
