// The identity that signs handover certificates: an RSA key and its X.509 certificate in a PKCS#12.
//
// On AWS it lives in the `certificate-signing` secret (CERT_SIGNING_SECRET_ARN, JSON
// `{ "p12Base64", "passphrase" }`); locally in CERT_SIGNING_P12_BASE64 + CERT_SIGNING_P12_PASSPHRASE
// (lib/routes.ts). The passphrase sits next to the P12 in both places, so the PKCS#12 encryption is
// a container format here, not the protection: Secrets Manager (KMS) is.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import forge from 'node-forge';
import { z } from 'zod';

export interface SigningIdentity {
  /** DER-encoded PKCS#12 (PFX) holding the private key and its certificate. */
  readonly p12: Buffer;
  readonly passphrase: string;
}

export interface GeneratedSigningIdentity {
  /** The PKCS#12, base64: the value of CERT_SIGNING_P12_BASE64 or the secret's `p12Base64`. */
  readonly p12Base64: string;
  readonly passphrase: string;
  /** The certificate alone, for anyone who wants to trust it explicitly. */
  readonly certificatePem: string;
}

// Extended key usages a PDF reader looks for on a document-signing certificate: RFC 9336
// id-kp-documentSigning, Microsoft Document Signing (Acrobat honours it), and emailProtection,
// which NSS (poppler's pdfsig) checks when it validates a signer certificate.
const EKU_DOCUMENT_SIGNING = '1.3.6.1.5.5.7.3.36';
const EKU_MS_DOCUMENT_SIGNING = '1.3.6.1.4.1.311.10.3.12';

/**
 * A self-signed RSA 2048 certificate for signing PDFs (keyUsage digitalSignature + nonRepudiation),
 * packed as PKCS#12 (AES-256, what node-forge writes and @signpdf/signer-p12 reads back through
 * node-forge; OpenSSL 3 reads it too). For production, replace it with a certificate from a CA
 * the readers trust (an AATL or eIDAS provider): a self-signed signature is intact but "untrusted".
 */
export function generateSigningIdentity(opts: {
  commonName: string;
  organization?: string;
  validDays?: number;
}): GeneratedSigningIdentity {
  const validDays = opts.validDays ?? 5 * 365;
  if (!Number.isInteger(validDays) || validDays < 1) throw new RangeError(`validDays must be a positive integer, got ${validDays}`);

  // Node's native key generation: node-forge's pure-JS RSA keygen takes seconds.
  const { privateKey: keyPem } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const privateKey = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const publicKey = forge.pki.setRsaPublicKey(privateKey.n, privateKey.e);

  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // A positive serial: 16 random bytes with the top bit cleared (RFC 5280 §4.1.2.2).
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  cert.serialNumber = serial.toString('hex');
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 5 * 60_000); // tolerate clock skew of readers
  cert.validity.notAfter = new Date(now + validDays * 86_400_000);
  const subject: forge.pki.CertificateField[] = [{ name: 'commonName', value: opts.commonName }];
  if (opts.organization) subject.push({ name: 'organizationName', value: opts.organization });
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'extKeyUsage', emailProtection: true, [EKU_DOCUMENT_SIGNING]: true, [EKU_MS_DOCUMENT_SIGNING]: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(privateKey, forge.md.sha256.create());

  const passphrase = randomBytes(24).toString('base64url');
  const p12Asn1 = forge.pkcs12.toPkcs12Asn1(privateKey, cert, passphrase, {
    algorithm: 'aes256',
    friendlyName: opts.commonName,
  });
  const p12Der = forge.asn1.toDer(p12Asn1).getBytes();
  return {
    p12Base64: Buffer.from(p12Der, 'binary').toString('base64'),
    passphrase,
    certificatePem: forge.pki.certificateToPem(cert),
  };
}

// PKCS#12 bag types (RFC 7292 §4.2).
const PKCS8_SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const CERT_BAG = '1.2.840.113549.1.12.10.1.3';

/**
 * Opens a PKCS#12 the way @signpdf/signer-p12 will, so a wrong passphrase, a missing key or an
 * expired certificate fails when the identity is loaded, with a message that says what to fix.
 */
export function inspectSigningIdentity(identity: SigningIdentity, now: Date = new Date()): { certificate: forge.pki.Certificate } {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(identity.p12.toString('binary')), false, identity.passphrase);
  } catch (e) {
    throw new Error(`Certificate signing identity: cannot open the PKCS#12 (wrong passphrase or not a PKCS#12): ${(e as Error).message}`);
  }
  // The signer only looks at shrouded key bags, as OpenSSL and node-forge write them.
  const keyBag = p12.getBags({ bagType: PKCS8_SHROUDED_KEY_BAG })[PKCS8_SHROUDED_KEY_BAG]?.[0];
  const key = keyBag?.key as forge.pki.rsa.PrivateKey | undefined;
  if (!key) throw new Error('Certificate signing identity: the PKCS#12 holds no (shrouded) private key');
  const certs: forge.pkcs12.Bag[] = p12.getBags({ bagType: CERT_BAG })[CERT_BAG] ?? [];
  const certificate = certs
    .map((bag) => bag.cert)
    .find((c): c is forge.pki.Certificate => {
      const pub = c?.publicKey as forge.pki.rsa.PublicKey | undefined;
      return pub !== undefined && pub.n.compareTo(key.n) === 0 && pub.e.compareTo(key.e) === 0;
    });
  if (!certificate) throw new Error('Certificate signing identity: no certificate in the PKCS#12 matches its private key');
  if (certificate.validity.notAfter.getTime() <= now.getTime()) {
    throw new Error(
      `Certificate signing identity: the certificate expired on ${certificate.validity.notAfter.toISOString()}; rotate the certificate-signing secret`,
    );
  }
  return { certificate };
}

const SecretSchema = z.object({ p12Base64: z.string().min(1), passphrase: z.string() });

let secretsClient: SecretsManagerClient | undefined;
let cached: Promise<SigningIdentity> | undefined;

/**
 * The signing identity, read once per process: from CERT_SIGNING_P12_BASE64 +
 * CERT_SIGNING_P12_PASSPHRASE when set (local), else from the secret CERT_SIGNING_SECRET_ARN (AWS).
 * A failed load is not cached, so a throttled Secrets Manager call is retried by the next request.
 */
export function loadSigningIdentity(): Promise<SigningIdentity> {
  cached ??= readSigningIdentity().catch((e: unknown) => {
    cached = undefined;
    throw e;
  });
  return cached;
}

/** Forgets the cached identity (tests; a rotated secret is otherwise picked up by new Lambda instances). */
export function forgetSigningIdentity(): void {
  cached = undefined;
}

async function readSigningIdentity(): Promise<SigningIdentity> {
  const env = process.env;
  let identity: SigningIdentity;
  if (env.CERT_SIGNING_P12_BASE64) {
    if (env.CERT_SIGNING_P12_PASSPHRASE === undefined) {
      throw new Error('CERT_SIGNING_P12_BASE64 is set but CERT_SIGNING_P12_PASSPHRASE is not: set both');
    }
    identity = { p12: decodeBase64(env.CERT_SIGNING_P12_BASE64, 'CERT_SIGNING_P12_BASE64'), passphrase: env.CERT_SIGNING_P12_PASSPHRASE };
  } else if (env.CERT_SIGNING_SECRET_ARN) {
    identity = await readSecret(env.CERT_SIGNING_SECRET_ARN);
  } else {
    throw new Error(
      'Certificate signing identity is not configured: set CERT_SIGNING_SECRET_ARN (AWS) or ' +
        'CERT_SIGNING_P12_BASE64 and CERT_SIGNING_P12_PASSPHRASE (local)',
    );
  }
  inspectSigningIdentity(identity);
  return identity;
}

async function readSecret(secretId: string): Promise<SigningIdentity> {
  secretsClient ??= new SecretsManagerClient({ maxAttempts: 3 });
  const out = await secretsClient.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (out.SecretString === undefined) {
    throw new Error(`Secret ${secretId} has no SecretString; expected JSON { "p12Base64", "passphrase" }`);
  }
  let json: unknown;
  try {
    json = JSON.parse(out.SecretString);
  } catch {
    throw new Error(`Secret ${secretId} is not JSON; expected { "p12Base64", "passphrase" }`);
  }
  const parsed = SecretSchema.safeParse(json);
  if (!parsed.success) throw new Error(`Secret ${secretId} must be JSON { "p12Base64": string, "passphrase": string }`);
  return { p12: decodeBase64(parsed.data.p12Base64, `secret ${secretId} p12Base64`), passphrase: parsed.data.passphrase };
}

function decodeBase64(value: string, what: string): Buffer {
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw new Error(`${what} is not base64`);
  return Buffer.from(compact, 'base64');
}
