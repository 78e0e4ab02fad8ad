// Everything that sends a bot's CometChat calls to the emulator, for one run: a private folder (0700)
// holding the run CA's certificate and a CA bundle, the routing proxy, and the environment that points
// the bot at them. The system trust store is never touched; close() removes the folder.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { RunCertificateAuthority } from './ca.js';
import { RoutingProxy, type TargetPolicy } from './routing-proxy.js';

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
  ) {}

  /** `tmp` is the OS temp folder (TMPDIR); `userCaFile` a CA bundle the user already set (SSL_CERT_FILE). */
  static async start(emulator: URL, options: { tmp?: string; userCaFile?: string; targetPolicy?: TargetPolicy } = {}): Promise<Routing> {
    const dir = mkdtempSync(join(options.tmp ?? tmpdir(), 'cometbot-run-')); // mkdtemp makes it 0700
    try {
      const ca = await RunCertificateAuthority.create();
      const caFile = join(dir, 'cometbot-run-ca.pem');
      writeFileSync(caFile, ca.certificatePem, { mode: 0o600 });
      const bundleFile = join(dir, 'ca-bundle.pem');
      writeFileSync(bundleFile, `${systemBundle(options.userCaFile).trimEnd()}\n${ca.certificatePem}`, { mode: 0o600 });
      const proxy = new RoutingProxy(ca, emulator, options.targetPolicy);
      const proxyUrl = await proxy.start();
      return new Routing(dir, proxy, proxyUrl, caFile, bundleFile, emulator);
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /** The variables that route the bot: a preload for Node, the proxy and CA bundle for everything else. */
  env(existingNodeOptions?: string): Record<string, string> {
    const proxy = this.proxyUrl.href.replace(/\/$/, '');
    const preload = `--require ${quoteForNodeOptions(PRELOAD)}`;
    return {
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

/** NODE_OPTIONS splits on spaces; a path with spaces goes in double quotes. */
function quoteForNodeOptions(path: string): string {
  return /[\s"\\]/.test(path) ? `"${path.replace(/(["\\])/g, '\\$1')}"` : path;
}
