// A certificate authority made for one run: it signs a certificate for each CometChat host the bot
// calls through the routing proxy. Its private key never leaves this process's memory; only its
// certificate is written (for the bot to trust), in the run's private folder. Its certificates are
// ones strict verifiers accept (Python 3.13's VERIFY_X509_STRICT, Go, Java): a critical
// basicConstraints, keyUsage, subject and authority key identifiers, and a CA limited by
// nameConstraints to cometchat.io, living only as long as a run needs.
import 'reflect-metadata'; // @peculiar/x509's dependency injection needs it
import * as x509 from '@peculiar/x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import { GeneralName, GeneralSubtree, GeneralSubtrees, NameConstraints, id_ce_nameConstraints } from '@peculiar/asn1-x509';
import { webcrypto } from 'node:crypto';
import { createSecureContext, type SecureContext } from 'node:tls';

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
/** Long enough for a long dev session; a run's CA is deleted when the run ends anyway. */
const VALIDITY_MS = 12 * 60 * 60 * 1000;
/** Hosts with a certificate kept at once: a bot calls a handful; more is a misuse, not a reason to grow. */
const CACHE_LIMIT = 64;
/** A well-formed CometChat host: labels of letters, digits and inner hyphens, under cometchat.io. */
const COMETCHAT_HOST = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+cometchat\.io$/;

/** Whether the proxy may present a certificate for `host` (only well-formed *.cometchat.io names). */
export function certifiableHost(host: string): boolean {
  return COMETCHAT_HOST.test(host.toLowerCase());
}

type KeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export class RunCertificateAuthority {
  private readonly contexts = new Map<string, Promise<SecureContext>>();
  private serial = 1;

  private constructor(
    private readonly keys: KeyPair,
    private readonly cert: x509.X509Certificate,
  ) {}

  static async create(): Promise<RunCertificateAuthority> {
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as KeyPair;
    const now = Date.now();
    const onlyCometChat = new NameConstraints({ permittedSubtrees: new GeneralSubtrees([new GeneralSubtree({ base: new GeneralName({ dNSName: 'cometchat.io' }) })]) });
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomSerial(),
      name: `CN=cometbot test run CA ${new Date(now).toISOString()}, O=cometbot (temporary; deleted when the run ends)`,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + VALIDITY_MS),
      keys,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey),
        new x509.Extension(id_ce_nameConstraints, true, AsnConvert.serialize(onlyCometChat)),
      ],
    });
    return new RunCertificateAuthority(keys, cert);
  }

  /** The CA certificate, PEM: what the bot is told to trust. */
  get certificatePem(): string {
    return this.cert.toString('pem');
  }

  /** A TLS context presenting a certificate for `host`, signed by this CA (made once per host, the newest 64 kept). */
  contextFor(host: string): Promise<SecureContext> {
    const key = host.toLowerCase();
    if (!certifiableHost(key)) return Promise.reject(new Error(`${host} is not a CometChat host name`));
    let context = this.contexts.get(key);
    if (context) {
      this.contexts.delete(key); // most recently used last
    } else {
      context = this.issue(key);
      if (this.contexts.size >= CACHE_LIMIT) this.contexts.delete(this.contexts.keys().next().value!);
    }
    this.contexts.set(key, context);
    return context;
  }

  private async issue(host: string): Promise<SecureContext> {
    const leafKeys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as KeyPair;
    const now = Date.now();
    const leaf = await x509.X509CertificateGenerator.create({
      serialNumber: `${randomSerial()}${(this.serial++).toString(16).padStart(2, '0')}`,
      subject: `CN=${host}`,
      issuer: this.cert.subject,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + VALIDITY_MS),
      signingKey: this.keys.privateKey,
      publicKey: leafKeys.publicKey,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(false),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: host }]),
        await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(this.keys.publicKey),
      ],
    });
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey)).toString('base64');
    const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
    return createSecureContext({ key: keyPem, cert: `${leaf.toString('pem')}\n${this.cert.toString('pem')}` });
  }
}

function randomSerial(): string {
  // A positive serial: the first hex digit below 8.
  const bytes = webcrypto.getRandomValues(new Uint8Array(8));
  bytes[0] = bytes[0]! & 0x7f;
  return Buffer.from(bytes).toString('hex');
}
