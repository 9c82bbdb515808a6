import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { tempDir } from './databases.js';

/**
 * Certificates for SMTP tests: a private CA with a `localhost` / 127.0.0.1 server certificate
 * signed by it (trusted once the CA is in TAYORI_SMTP_CA_FILE), and a self-signed certificate
 * for the same names that no CA file trusts.
 */
export interface KeyAndCertificate {
  key: string;
  cert: string;
}

export interface TestCertificates {
  caPem: string;
  /** Signed by the test CA: trusted when caPem is in TAYORI_SMTP_CA_FILE. */
  trusted: KeyAndCertificate;
  /** Self-signed: never trusted unless verification is turned off. */
  untrusted: KeyAndCertificate;
}

const CA_NAME = [{ name: 'commonName', value: 'Tayori Test CA' }];
const SERVER_NAME = [{ name: 'commonName', value: 'localhost' }];
const SERVER_ALT_NAMES = [
  { type: 2, value: 'localhost' },
  { type: 7, ip: '127.0.0.1' },
];

let cached: TestCertificates | undefined;

/** Made once per test process: RSA keys come from node:crypto (fast), forge only builds the certificates. */
export function testCertificates(): TestCertificates {
  cached ??= createTestCertificates();
  return cached;
}

/** Writes the test CA to a new temporary file and returns its path, for TAYORI_SMTP_CA_FILE. */
export function writeTestCaFile(): string {
  const path = join(tempDir('tayori-ca-'), 'test-ca.pem');
  writeFileSync(path, testCertificates().caPem);
  return path;
}

function createTestCertificates(): TestCertificates {
  const ca = newKeyPair();
  const server = newKeyPair();
  const selfSigned = newKeyPair();
  const caIssuer = { name: CA_NAME, key: ca.privateKey };
  const caCert = buildCertificate(CA_NAME, ca.publicKey, caIssuer, [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  const serverCert = buildCertificate(SERVER_NAME, server.publicKey, caIssuer, serverExtensions());
  const selfSignedIssuer = { name: SERVER_NAME, key: selfSigned.privateKey };
  const selfSignedCert = buildCertificate(SERVER_NAME, selfSigned.publicKey, selfSignedIssuer, serverExtensions());
  return {
    caPem: forge.pki.certificateToPem(caCert),
    trusted: { key: forge.pki.privateKeyToPem(server.privateKey), cert: forge.pki.certificateToPem(serverCert) },
    untrusted: { key: forge.pki.privateKeyToPem(selfSigned.privateKey), cert: forge.pki.certificateToPem(selfSignedCert) },
  };
}

function newKeyPair() {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const forgeKey = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

function serverExtensions() {
  return [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: SERVER_ALT_NAMES },
  ];
}

function buildCertificate(
  subject: forge.pki.CertificateField[],
  publicKey: forge.pki.PublicKey,
  issuer: { name: forge.pki.CertificateField[]; key: forge.pki.rsa.PrivateKey },
  extensions: object[],
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = '01' + randomBytes(8).toString('hex');
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  cert.setSubject(subject);
  cert.setIssuer(issuer.name);
  cert.setExtensions(extensions);
  cert.sign(issuer.key, forge.md.sha256.create());
  return cert;
}
