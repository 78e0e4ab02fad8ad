// Everything that sends a bot's CometChat calls to the emulator, for one run: a private folder (0700)
// holding the run CA's certificate and a CA bundle, the routing proxy, and the environment that points
// the bot at them. The system trust store is never touched; close() removes the folder.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { promisify } from 'node:util';
import { rootCertificates } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { RunCertificateAuthority } from './ca.js';
import { RoutingProxy, type TargetPolicy } from './routing-proxy.js';

/** The folder holding sitecustomize.py (aiohttp trusts the proxy variables): the built copy, or the source. */
export const PYTHON_DIR = [new URL('./python', import.meta.url), new URL('../../dist/bot-process/python', import.meta.url), new URL('../../src/bot-process/python', import.meta.url)].map((u) => fileURLToPath(u)).find((p) => existsSync(join(p, 'sitecustomize.py'))) ?? fileURLToPath(new URL('./python', import.meta.url));

/** Commands that start a JVM: they get a trust store and proxy properties through JAVA_TOOL_OPTIONS. */
const JVM_COMMANDS = /^(java|javaw|mvn|mvnw|gradle|gradlew|kotlin|scala|sbt|lein|clojure|clj|jbang)(\.cmd|\.bat)?$/;

export function startsJvm(command: string, args: string[] = []): boolean {
  const base = command.split(/[\\/]/).pop() ?? command;
  return JVM_COMMANDS.test(base) || args.some((a) => a.endsWith('.jar'));
}

/** Where Debian, Fedora, Alpine and macOS (Homebrew OpenSSL) keep the system's CA bundle. */
const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem', '/usr/local/etc/openssl/cert.pem'];

/** The compiled preload (tsc turns preload.cts into preload.cjs); from the sources, the built copy. */
export const PRELOAD = [new URL('./preload.cjs', import.meta.url), new URL('../../dist/bot-process/preload.cjs', import.meta.url)].map((u) => fileURLToPath(u)).find((p) => existsSync(p)) ?? fileURLToPath(new URL('./preload.cjs', import.meta.url));

export class Routing {
  private closed = false;

  private constructor(
    readonly dir: string,
    readonly proxy: RoutingProxy,
    readonly proxyUrl: URL,
    readonly caFile: string,
    readonly bundleFile: string,
    private readonly emulator: URL,
    /** A PKCS12 trust store (the JDK's CAs plus the run's) for a JVM bot, when one was asked for. */
    readonly trustStore?: { file: string; password: string },
  ) {}

  /** `tmp` is the OS temp folder (TMPDIR); `userCaFile` a CA bundle the user already set (SSL_CERT_FILE). */
  static async start(emulator: URL, options: { tmp?: string; userCaFile?: string; targetPolicy?: TargetPolicy; jvm?: boolean } = {}): Promise<Routing> {
    const dir = mkdtempSync(join(options.tmp ?? tmpdir(), 'cometbot-run-')); // mkdtemp makes it 0700
    try {
      const ca = await RunCertificateAuthority.create();
      const caFile = join(dir, 'cometbot-run-ca.pem');
      writeFileSync(caFile, ca.certificatePem, { mode: 0o600 });
      const bundleFile = join(dir, 'ca-bundle.pem');
      writeFileSync(bundleFile, `${systemBundle(options.userCaFile).trimEnd()}\n${ca.certificatePem}`, { mode: 0o600 });
      const proxy = new RoutingProxy(ca, emulator, options.targetPolicy);
      const [proxyUrl, trustStore] = await Promise.all([proxy.start(), options.jvm ? javaTrustStore(dir, caFile) : undefined]);
      return new Routing(dir, proxy, proxyUrl, caFile, bundleFile, emulator, trustStore);
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /**
   * The variables that route the bot: a preload for Node, the proxy and CA bundle for everything else,
   * a sitecustomize for Python's aiohttp, and for a JVM its proxy properties and the run's trust store.
   */
  env(existingNodeOptions?: string, existing: { PYTHONPATH?: string; JAVA_TOOL_OPTIONS?: string } = {}): Record<string, string> {
    const proxy = this.proxyUrl.href.replace(/\/$/, '');
    const preload = `--require ${quoteForNodeOptions(PRELOAD)}`;
    const jvm: Record<string, string> = this.trustStore
      ? {
          JAVA_TOOL_OPTIONS: [
            existing.JAVA_TOOL_OPTIONS,
            `-Dhttps.proxyHost=${this.proxyUrl.hostname} -Dhttps.proxyPort=${this.proxyUrl.port} -Dhttp.proxyHost=${this.proxyUrl.hostname} -Dhttp.proxyPort=${this.proxyUrl.port}`,
            `-Dhttp.nonProxyHosts=localhost|127.*|[::1] -Djavax.net.ssl.trustStore=${this.trustStore.file} -Djavax.net.ssl.trustStoreType=PKCS12 -Djavax.net.ssl.trustStorePassword=${this.trustStore.password}`,
          ].filter(Boolean).join(' '),
        }
      : {};
    return {
      ...jvm,
      PYTHONPATH: existing.PYTHONPATH ? `${PYTHON_DIR}${delimiter}${existing.PYTHONPATH}` : PYTHON_DIR,
      COMETBOT_ROUTE_TO: this.emulator.origin,
      NODE_OPTIONS: existingNodeOptions ? `${existingNodeOptions} ${preload}` : preload,
      HTTPS_PROXY: proxy,
      HTTP_PROXY: proxy,
      https_proxy: proxy,
      http_proxy: proxy,
      NO_PROXY: 'localhost,127.0.0.1,::1',
      no_proxy: 'localhost,127.0.0.1,::1',
      SSL_CERT_FILE: this.bundleFile,
      REQUESTS_CA_BUNDLE: this.bundleFile,
      CURL_CA_BUNDLE: this.bundleFile,
      NODE_EXTRA_CA_CERTS: this.caFile,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.proxy.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function systemBundle(userCaFile?: string): string {
  for (const file of [userCaFile, ...SYSTEM_BUNDLES]) {
    if (file && existsSync(file)) {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        // unreadable: try the next
      }
    }
  }
  return rootCertificates.join('\n'); // Node's own copy of Mozilla's list
}

/**
 * The JDK's own CAs plus the run's CA, as a PKCS12 trust store, written by the JDK's keytool (so the
 * JVM reads it as it reads its own). Undefined when there is no keytool: the JVM bot then runs unrouted.
 */
async function javaTrustStore(dir: string, caFile: string): Promise<{ file: string; password: string } | undefined> {
  const run = promisify(execFile);
  const keytool = ['/usr/bin/keytool', ...(process.env.JAVA_HOME ? [join(process.env.JAVA_HOME, 'bin', 'keytool')] : [])].find((p) => existsSync(p)) ?? 'keytool';
  const file = join(dir, 'truststore.p12');
  const password = randomBytes(12).toString('hex');
  try {
    const home = join(realpathSync(keytool === 'keytool' ? (await run('sh', ['-c', 'command -v keytool'])).stdout.trim() : keytool), '..', '..');
    const cacerts = [join(home, 'lib', 'security', 'cacerts'), join(home, 'jre', 'lib', 'security', 'cacerts')].find((p) => existsSync(p));
    if (cacerts) await run(keytool, ['-importkeystore', '-noprompt', '-srckeystore', cacerts, '-srcstorepass', 'changeit', '-destkeystore', file, '-deststoretype', 'PKCS12', '-deststorepass', password]);
    await run(keytool, ['-importcert', '-noprompt', '-alias', 'cometbot-run-ca', '-file', caFile, '-keystore', file, '-storetype', 'PKCS12', '-storepass', password]);
    return { file, password };
  } catch {
    return undefined;
  }
}

/** NODE_OPTIONS splits on spaces; a path with spaces goes in double quotes. */
function quoteForNodeOptions(path: string): string {
  return /[\s"\\]/.test(path) ? `"${path.replace(/(["\\])/g, '\\$1')}"` : path;
}
