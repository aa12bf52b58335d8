// The signing identity: generated certificates fit for document signing, and loading from the
// environment (local) or Secrets Manager (AWS), failing with a message that says what to set.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import forge from 'node-forge';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  forgetSigningIdentity,
  generateSigningIdentity,
  inspectSigningIdentity,
  loadSigningIdentity,
  type GeneratedSigningIdentity,
} from '../../../lib/certificates/signing-identity';

const ENV_KEYS = ['CERT_SIGNING_P12_BASE64', 'CERT_SIGNING_P12_PASSPHRASE', 'CERT_SIGNING_SECRET_ARN'] as const;
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:certificate-signing-AbCdEf';

let generated: GeneratedSigningIdentity;
const saved: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};
const secrets = mockClient(SecretsManagerClient);

beforeAll(() => {
  generated = generateSigningIdentity({ commonName: 'Test Document Signing', organization: 'Test Operator', validDays: 30 });
});
beforeEach(() => {
  for (const key of ENV_KEYS) {
    saved[key] = process.env[key];
    delete process.env[key];
  }
  secrets.reset();
  forgetSigningIdentity();
});
afterEach(() => {
  for (const key of ENV_KEYS) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
  forgetSigningIdentity();
});

describe('generateSigningIdentity', () => {
  it('makes a self-signed RSA 2048 certificate for document signing, valid for the days asked', () => {
    const cert = forge.pki.certificateFromPem(generated.certificatePem);

    expect((cert.publicKey as forge.pki.rsa.PublicKey).n.bitLength()).toBe(2048);
    expect(cert.subject.getField('CN')?.value).toBe('Test Document Signing');
    expect(cert.subject.getField('O')?.value).toBe('Test Operator');
    expect(cert.verify(cert)).toBe(true); // self-signed
    expect(cert.siginfo.algorithmOid).toBe(forge.pki.oids.sha256WithRSAEncryption);
    const keyUsage = cert.getExtension('keyUsage') as { digitalSignature?: boolean; nonRepudiation?: boolean; keyCertSign?: boolean };
    expect(keyUsage).toMatchObject({ digitalSignature: true, nonRepudiation: true });
    expect(keyUsage.keyCertSign).toBeFalsy();
    expect(cert.getExtension('basicConstraints')).toMatchObject({ cA: false });
    const days = (cert.validity.notAfter.getTime() - cert.validity.notBefore.getTime()) / 86_400_000;
    expect(Math.round(days)).toBe(30);
  });

  it('packs a PKCS#12 that opens with its passphrase and not without', () => {
    const p12 = Buffer.from(generated.p12Base64, 'base64');

    const { certificate } = inspectSigningIdentity({ p12, passphrase: generated.passphrase });
    expect(forge.pki.certificateToPem(certificate)).toBe(generated.certificatePem);
    expect(() => inspectSigningIdentity({ p12, passphrase: 'wrong' })).toThrow(/wrong passphrase/);
  });

  it('refuses a certificate that has expired', () => {
    const p12 = Buffer.from(generated.p12Base64, 'base64');
    const later = new Date(Date.now() + 31 * 86_400_000);

    expect(() => inspectSigningIdentity({ p12, passphrase: generated.passphrase }, later)).toThrow(/expired.*rotate/);
  });
});

describe('loadSigningIdentity', () => {
  it('reads the identity from CERT_SIGNING_P12_BASE64 and CERT_SIGNING_P12_PASSPHRASE, once', async () => {
    process.env.CERT_SIGNING_P12_BASE64 = generated.p12Base64;
    process.env.CERT_SIGNING_P12_PASSPHRASE = generated.passphrase;

    const identity = await loadSigningIdentity();

    expect(identity.p12.equals(Buffer.from(generated.p12Base64, 'base64'))).toBe(true);
    expect(identity.passphrase).toBe(generated.passphrase);
    expect(await loadSigningIdentity()).toBe(identity);
    expect(secrets.calls()).toHaveLength(0);
  });

  it('reads the identity from the Secrets Manager secret when the local variables are not set', async () => {
    process.env.CERT_SIGNING_SECRET_ARN = SECRET_ARN;
    secrets
      .on(GetSecretValueCommand, { SecretId: SECRET_ARN })
      .resolves({ SecretString: JSON.stringify({ p12Base64: generated.p12Base64, passphrase: generated.passphrase }) });

    const identity = await loadSigningIdentity();
    await loadSigningIdentity();

    expect(identity.p12.equals(Buffer.from(generated.p12Base64, 'base64'))).toBe(true);
    expect(identity.passphrase).toBe(generated.passphrase);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('says what to set when nothing is configured, and tries again on the next call', async () => {
    await expect(loadSigningIdentity()).rejects.toThrow(
      /not configured: set CERT_SIGNING_SECRET_ARN \(AWS\) or CERT_SIGNING_P12_BASE64 and CERT_SIGNING_P12_PASSPHRASE \(local\)/,
    );

    process.env.CERT_SIGNING_P12_BASE64 = generated.p12Base64;
    process.env.CERT_SIGNING_P12_PASSPHRASE = generated.passphrase;
    await expect(loadSigningIdentity()).resolves.toMatchObject({ passphrase: generated.passphrase });
  });

  it('fails loudly on half a local configuration, a wrong passphrase, or a malformed secret', async () => {
    process.env.CERT_SIGNING_P12_BASE64 = generated.p12Base64;
    await expect(loadSigningIdentity()).rejects.toThrow(/CERT_SIGNING_P12_PASSPHRASE is not/);

    process.env.CERT_SIGNING_P12_PASSPHRASE = 'not-the-passphrase';
    await expect(loadSigningIdentity()).rejects.toThrow(/cannot open the PKCS#12/);

    delete process.env.CERT_SIGNING_P12_BASE64;
    delete process.env.CERT_SIGNING_P12_PASSPHRASE;
    process.env.CERT_SIGNING_SECRET_ARN = SECRET_ARN;
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ p12: 'x' }) });
    await expect(loadSigningIdentity()).rejects.toThrow(/must be JSON \{ "p12Base64": string, "passphrase": string \}/);

    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'not json' });
    await expect(loadSigningIdentity()).rejects.toThrow(/is not JSON/);
  });
});
