import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, linkSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makePrivateDir, PRIVATE_FILE_MODE } from './private-files.js';

/**
 * Encrypts secrets at rest with AES-256-GCM. Each ciphertext names the id of its key, so keys
 * can be rotated: the first key of the ring encrypts, every key of the ring decrypts. The
 * `purpose` (e.g. "mail_settings.smtp_password") is authenticated data, so a ciphertext copied
 * into another column does not decrypt.
 */
export interface SecretBox {
  encrypt(plaintext: string, purpose: string): string;
  decrypt(ciphertext: string, purpose: string): string;
  currentKeyId: string;
  keyIdOf(ciphertext: string): string;
}

/**
 * A stored secret the key ring cannot decrypt: it was encrypted with a key that is no longer
 * configured (TAYORI_SECRET_KEY changed, the key file replaced), or the value was altered.
 */
export class SecretUnreadableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SecretUnreadableError';
  }
}

interface Key {
  id: string;
  bytes: Buffer;
}

const FORMAT = 'v1';

export function keyId(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 12);
}

export function createSecretBox(base64Keys: string[]): SecretBox {
  if (base64Keys.length === 0) throw new Error('a secret box needs at least one key');
  const ring: Key[] = base64Keys.map((k) => {
    const bytes = Buffer.from(k, 'base64');
    if (bytes.length !== 32) throw new Error('a secret key is 32 bytes in base64');
    return { id: keyId(bytes), bytes };
  });
  const byId = new Map(ring.map((k) => [k.id, k]));
  const current = ring[0];

  return {
    currentKeyId: current.id,
    encrypt(plaintext, purpose) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.bytes, iv);
      cipher.setAAD(Buffer.from(purpose));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [FORMAT, current.id, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
    },
    decrypt(ciphertext, purpose) {
      const [format, id, iv, tag, body] = ciphertext.split(':');
      if (format !== FORMAT || body === undefined) throw new SecretUnreadableError('not a Tayori ciphertext');
      const key = byId.get(id);
      if (!key) throw new SecretUnreadableError(`secret encrypted with key ${id}, which is not in the key ring`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(iv, 'base64'));
        decipher.setAAD(Buffer.from(purpose));
        decipher.setAuthTag(Buffer.from(tag, 'base64'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
      } catch (error) {
        throw new SecretUnreadableError(`secret of ${purpose} does not decrypt with key ${id}`, { cause: error });
      }
    },
    keyIdOf(ciphertext) {
      return ciphertext.split(':')[1] ?? '';
    },
  };
}

export function generateKey(): string {
  return randomBytes(32).toString('base64');
}

export function keyFilePath(dataDir: string): string {
  return join(dataDir, 'secret.key');
}

/** Where `tayori secrets rotate` keeps the keys it replaced: they still decrypt a backup made before. */
export function retiredKeyFilePath(dataDir: string): string {
  return join(dataDir, 'secret.key.retired');
}

/** Keys from TAYORI_SECRET_KEY, or else from the key file, created (mode 0600) on first use. */
export function loadKeyRing(configuredKeys: string[] | undefined, dataDir: string): string[] {
  if (configuredKeys && configuredKeys.length > 0) return configuredKeys;
  const file = keyFilePath(dataDir);
  if (!existsSync(file)) {
    makePrivateDir(dataDir);
    createKeyFileOnce(file, [generateKey()]);
  }
  return readKeyFile(file);
}

export function readKeyFile(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}

/**
 * The installation's secret box. With TAYORI_SECRET_KEY, those keys. With the key file, its keys
 * and then the retired ones (decrypt only), read again whenever either file is replaced: after
 * `tayori secrets rotate` a running instance encrypts with the new key and reads what was
 * re-encrypted at once, instead of failing until it is restarted, and a restored backup made
 * before a rotation still decrypts.
 */
export function openSecretBox(configuredKeys: string[] | undefined, dataDir: string): SecretBox {
  if (configuredKeys && configuredKeys.length > 0) return createSecretBox(configuredKeys);
  const files = [keyFilePath(dataDir), retiredKeyFilePath(dataDir)];
  loadKeyRing(undefined, dataDir);
  let seen = '';
  let box: SecretBox | undefined;
  const current = (): SecretBox => {
    const stamp = files.map(fileStamp).join('|');
    if (box === undefined || stamp !== seen) {
      box = createSecretBox(files.flatMap(readKeyFile));
      seen = stamp;
    }
    return box;
  };
  current();
  return {
    get currentKeyId() {
      return current().currentKeyId;
    },
    encrypt: (plaintext, purpose) => current().encrypt(plaintext, purpose),
    decrypt: (ciphertext, purpose) => current().decrypt(ciphertext, purpose),
    keyIdOf: (ciphertext) => current().keyIdOf(ciphertext),
  };
}

/** Changes when the file is replaced (a rename gives a new inode) or rewritten. */
function fileStamp(file: string): string {
  try {
    const { ino, mtimeMs, size } = statSync(file);
    return `${ino}:${mtimeMs}:${size}`;
  } catch {
    return 'none';
  }
}

/** Appends keys to the retired key file (mode 0600), with when they were retired. */
export function retireKeys(dataDir: string, keys: string[], when: Date): void {
  const file = retiredKeyFilePath(dataDir);
  const ids = keys.map((key) => keyId(Buffer.from(key, 'base64'))).join(', ');
  appendFileSync(file, `# retired ${when.toISOString()} (${ids}): delete once no backup from before then is kept\n${keys.join('\n')}\n`, {
    mode: PRIVATE_FILE_MODE,
  });
  chmodSync(file, PRIVATE_FILE_MODE);
}

export function writeKeyFile(file: string, keys: string[]): void {
  renameSync(writeTemporaryKeyFile(file, keys), file);
}

/**
 * Creates the key file unless another process got there first (`serve` and `worker` starting
 * together on a new data dir). Linking a complete file is atomic and refuses to replace one, so
 * every process ends up reading the same key.
 */
function createKeyFileOnce(file: string, keys: string[]): void {
  const temporary = writeTemporaryKeyFile(file, keys);
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
}

function writeTemporaryKeyFile(file: string, keys: string[]): string {
  const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, `# Tayori secret keys: the first encrypts, all decrypt. Keep this file private.\n${keys.join('\n')}\n`, {
    mode: PRIVATE_FILE_MODE,
    flag: 'wx',
  });
  chmodSync(temporary, PRIVATE_FILE_MODE);
  return temporary;
}
