// A test run: one emulator for the run, every selected case in order against one bot, typed events
// for reporters, one idempotent close. Commands create it, subscribe, and render.
import { EventEmitter } from 'node:events';
import type { BotMessageEvent, Emulator } from '../emulator/server.js';
import type { Credentials } from '../core/basic-auth.js';
import type { ConvoFile } from '../core/convo/model.js';
import { percentiles } from '../core/stats.js';
import { ACK_GRACE_MS, describeBotMessage, isInterrupted, runCase, type Arena, type CaseSink } from './case-runner.js';
import { EmulatorStage, type Stage } from './stage.js';
import type { LiveTarget } from './live/live-stage.js';
import { emulatorOnlyReason } from './live/emulator-only.js';
import type { BotMessage } from '../core/convo/match.js';
import { RegexGuard } from './regex-guard.js';
import type { Routing } from '../bot-process/routing.js';
import type { BotProcess } from '../bot-process/bot-process.js';
import type { CaseResult, FileSummary, LateReply, RunSummary } from './results.js';

/** The bot as a process cometbot starts (`cometbot test -- COMMAND`). */
export interface BotCommand {
  command: string;
  args: string[];
  /** The environment it inherits; the run adds PORT, COMETCHAT_* and the routing variables. */
  env: Record<string, string | undefined>;
  port: number;
  startTimeoutMs: number;
  /** The OS temp folder for the run's private folder (CA certificate and bundle). */
  tmp?: string;
  /** Every line the bot prints (--verbose shows them). */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface TestRunOptions {
  files: ConvoFile[];
  /** The bot's webhook URL. */
  botUrl: string;
  /** The emulator's port (0 = any free port). */
  apiPort: number;
  credentials: Credentials | null;
  app: { appId: string; region: string; apiKey: string; anyApiKey: boolean };
  failFast?: boolean;
  /** Start the bot too, with CometChat's hosts routed to the emulator. */
  bot?: BotCommand;
  /** The uid the files name (told to a bot cometbot starts). */
  botUid?: string;
  /** The app id was named (file, flag, environment): calls for another app are refused. */
  strictAppId?: boolean;
  /** Run against a real CometChat app through its public REST API instead of an emulator (`--live`). */
  live?: LiveTarget;
}

export interface TestRunEvents {
  'file-start': [ConvoFile];
  case: [CaseResult];
  /** A reply that answers a case already reported: it fails the run. */
  late: [LateReply];
  'file-end': [FileSummary];
  end: [RunSummary];
}

export class TestRun extends EventEmitter<TestRunEvents> {
  private stage?: Stage;
  private routing?: Routing;
  private botProcess?: BotProcess;
  private readonly abort = new AbortController();
  private closing?: Promise<void>;
  /** The case running now, and which case each callback belongs to. */
  private current?: { sink: CaseSink; result: CaseResult };
  private readonly owners = new Map<number, CaseResult>();
  private readonly late: LateReply[] = [];
  /** Set when the started bot exited: the case in progress fails, the rest are not run. */
  private botExit?: string;
  private readonly regex = new RegexGuard();
  /** The bot's webhook URL: the option's, or the [::1] form when the started bot listens there only. */
  private botUrl: string;

  constructor(private readonly opts: TestRunOptions) {
    super();
    this.botUrl = opts.botUrl;
  }

  /**
   * Starts the emulator (and the bot, when the run starts it), or with `live` checks the real app and
   * sets it up for the run; resolves with the REST base URL.
   */
  async start(): Promise<{ apiUrl: string; emulator?: Emulator }> {
    if (this.opts.live) {
      const { LiveStage } = await import('./live/live-stage.js');
      const stage = new LiveStage(this.opts.live, this.opts.files);
      this.stage = stage;
      await stage.prepare(this.abort.signal);
      return { apiUrl: stage.apiUrl };
    }
    const { Emulator } = await import('../emulator/server.js');
    const { app } = this.opts;
    const emulator = new Emulator({ port: this.opts.apiPort, appId: app.appId, region: app.region, apiKey: app.apiKey, anyApiKey: app.anyApiKey, strictAppId: this.opts.strictAppId, retryDelaysMs: [] });
    await emulator.start();
    this.stage = new EmulatorStage(emulator, () => this.botUrl, this.opts.credentials, ACK_GRACE_MS);
    if (this.opts.bot) await this.startBot(this.opts.bot, emulator);
    return { apiUrl: emulator.baseUrl, emulator };
  }

  /** The bot, unchanged, with CometChat's hosts routed to the emulator; resolves once its port answers. */
  private async startBot(bot: BotCommand, emulator: Emulator): Promise<void> {
    const [{ Routing, startsJvm }, { BotProcess }, { botEnvironment }] = await Promise.all([import('../bot-process/routing.js'), import('../bot-process/bot-process.js'), import('../bot-process/bot-env.js')]);
    this.routing = await Routing.start(new URL(emulator.url), { tmp: bot.tmp, userCaFile: bot.env.SSL_CERT_FILE, jvm: startsJvm(bot.command, bot.args) });
    const { app, credentials } = this.opts;
    const env: Record<string, string | undefined> = {
      ...bot.env,
      ...this.routing.env(bot.env.NODE_OPTIONS, { PYTHONPATH: bot.env.PYTHONPATH, JAVA_TOOL_OPTIONS: bot.env.JAVA_TOOL_OPTIONS }),
      PORT: String(bot.port),
      ...botEnvironment({ appId: app.appId, region: app.region, apiKey: app.apiKey, apiUrl: emulator.baseUrl, botUid: this.opts.botUid, credentials }),
    };
    this.botProcess = new BotProcess({ command: bot.command, args: bot.args, env, keeperDirs: [this.routing.dir] });
    if (bot.onOutput) this.botProcess.on('output', (o) => bot.onOutput!(o.line, o.stream));
    await this.botProcess.start();
    const host = await this.botProcess.waitForPort(bot.port, bot.startTimeoutMs);
    // A bot listening on [::1] only is called there (localhost resolves to ::1 first on some systems).
    if (host === '::1') {
      const url = new URL(this.botUrl);
      if (url.hostname === '127.0.0.1') url.hostname = '[::1]';
      this.botUrl = url.href;
    }
    // From here on, the bot exiting is a finding, said once: the case in progress fails, the rest are not run.
    this.botProcess.once('exit', ({ code, signal }) => {
      if (this.closing) return;
      this.botExit = `the bot exited (${signal ?? `code ${code}`}) during the run`;
      this.current?.sink.fatal(this.botExit);
    });
  }

  /** Runs every case; resolves with the summary (also emitted as `end`). */
  async run(): Promise<RunSummary> {
    const stage = this.stage;
    if (!stage) throw new Error('TestRun.start() first');
    let entering: CaseResult | undefined;
    const arena: Arena = {
      stage,
      botUrl: this.botUrl,
      signal: this.abort.signal,
      regex: this.regex,
      enter: (sink) => {
        this.current = { sink, result: entering! };
        if (this.botExit) sink.fatal(this.botExit);
      },
      leave: () => (this.current = undefined),
      own: (deliveryId) => {
        if (this.current) this.owners.set(deliveryId, this.current.result);
        if (this.owners.size > 10_000) this.owners.delete(this.owners.keys().next().value!);
      },
    };
    const onBotMessage = (e: BotMessageEvent) => this.route(e);
    stage.on('bot-message', onBotMessage);
    // A real app that stops answering ends the run as a bot that exits does: said once, the rest not run.
    const onBroken = (why: string) => {
      this.botExit ??= why;
      this.current?.sink.fatal(why);
    };
    stage.on('broken', onBroken);
    const started = performance.now();
    const all: CaseResult[] = [];
    const total = this.opts.files.reduce((n, f) => n + f.tests.length, 0);
    let stopped = false;
    for (const file of this.opts.files) {
      if (stopped) break;
      this.emit('file-start', file);
      const fileStarted = performance.now();
      const results: CaseResult[] = [];
      for (const c of file.tests) {
        let result: CaseResult;
        if (this.botExit) break;
        const printed = this.botProcess?.mark() ?? 0;
        // Live, a case that needs what only the emulator can do (a fault, a redelivery…) is skipped, saying so.
        const emulatorOnly = stage.live ? emulatorOnlyReason(c) : undefined;
        try {
          result = await runCase(arena, file, emulatorOnly ? { ...c, skip: emulatorOnly } : c, (r) => (entering = r));
        } catch (e) {
          if (isInterrupted(e)) {
            stopped = true;
            break;
          }
          throw e;
        }
        // What the bot printed during this case only (earlier cases' lines would mislead).
        if (result.status === 'failed' && this.botProcess) {
          // The bot's last words come as late as its answers did: a loaded machine slows both alike.
          const pace = Math.max(0, ...result.ackMs, ...result.replyMs);
          await this.botProcess.settle(Math.min(1_000, Math.max(200, 3 * pace)));
          result.botOutput = this.botProcess.tail(20, printed);
          const hint = neverReached(result, this.opts.bot!.command);
          if (hint && result.failure) result.failure.hint = hint;
        }
        results.push(result);
        all.push(result);
        this.emit('case', result);
        if (result.status === 'failed' && this.opts.failFast) {
          stopped = true;
          break;
        }
      }
      this.emit('file-end', { file: file.path, suite: file.name, ...count(results), ms: Math.round(performance.now() - fileStarted), ...latency(results) });
      if (this.botExit) stopped = true;
    }
    stage.off('bot-message', onBotMessage);
    stage.off('broken', onBroken);
    const summary: RunSummary = {
      ...count(all),
      ms: Math.round(performance.now() - started),
      ...latency(all),
      notRun: total - all.length,
      interrupted: this.abort.signal.aborted,
      late: [...this.late],
      ...(this.botExit ? { botExited: this.botExit } : {}),
      ...(stage.live ? { live: stage.live } : {}),
    };
    this.emit('end', summary);
    return summary;
  }

  /**
   * The bot's message goes to the case it belongs to: the running case, unless it answers a callback of
   * a case that already ended — then it is a late reply of that case (noted in the running transcript).
   */
  private route(e: BotMessageEvent): void {
    const message = e.message as unknown as BotMessage;
    if (this.opts.botUid !== undefined && message.sender !== this.opts.botUid) return;
    const ownerId = e.callbackId ?? e.lateOf;
    const owner = ownerId !== undefined ? this.owners.get(ownerId) : undefined;
    if (this.current && (owner === undefined || owner === this.current.result)) {
      if (message.sender === this.filesBot(this.current.result)) this.current.sink.botMessage(e);
      return;
    }
    if (!owner) return;
    const reply: LateReply = { file: owner.file, suite: owner.suite, case: owner.name, line: owner.line, message: describeBotMessage(message) };
    this.late.push(reply);
    this.current?.sink.noteLate(e, owner.name);
    this.emit('late', reply);
  }

  private filesBot(result: CaseResult): string | undefined {
    return this.opts.files.find((f) => f.path === result.file)?.bot;
  }

  /** A second Ctrl-C: the bot's process group is killed now rather than after the grace period. */
  killNow(): void {
    this.botProcess?.killNow();
  }

  /** Ctrl-C / SIGTERM: the case in progress stops at its next wait. */
  interrupt(): void {
    this.abort.abort();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.abort.abort();
      // The bot first (it may still be talking to the emulator), then its routing, then the stage.
      await this.botProcess?.stop();
      await this.routing?.close();
      await this.stage?.close();
      await this.regex.close();
    })();
    return this.closing;
  }
}

/**
 * A failed case in which the bot made no REST call while its output shows a lookup, connection or
 * certificate error (or CometChat's host): its calls never reached the emulator. Says what to do for
 * the runtime the command looks like.
 */
export function neverReached(result: CaseResult, command: string): string | undefined {
  if ((result.restCalls ?? 0) > 0) return undefined;
  const sign = /ENOTFOUND|EAI_AGAIN|getaddrinfo|Name or service not known|nodename nor servname|no such host|ECONNREFUSED|ECONNRESET|UnknownHost|certificate|CERTIFICATE_VERIFY_FAILED|SSLError|x509|PKIX|self[- ]signed|cometchat\.io/i;
  const line = result.botOutput?.find((l) => sign.test(l));
  if (!line) return undefined;
  const base = (command.split(/[\\/]/).pop() ?? command).toLowerCase();
  const advice = /^(node|npm|npx|tsx|ts-node|bun|deno)/.test(base)
    ? 'Node: global fetch, https, axios, got and the undici package are routed; a client with its own agent or DNS is not — read the base URL from COMETCHAT_API_URL'
    : /^python/.test(base) || /^(uv|poetry|pipenv)$/.test(base)
      ? 'Python: requests, httpx, urllib and aiohttp are routed; another client must honour HTTPS_PROXY and SSL_CERT_FILE (or read COMETCHAT_API_URL)'
      : /^(java|mvn|mvnw|gradle|gradlew|kotlin|sbt)/.test(base)
        ? 'JVM: JAVA_TOOL_OPTIONS carries the proxy and the run\'s trust store; a client with its own SSLContext or proxy settings overrides them'
        : 'the bot must honour HTTPS_PROXY/HTTP_PROXY and SSL_CERT_FILE, or read its base URL from COMETCHAT_API_URL';
  return `the bot never reached the emulator (no REST call; its output says: ${line.trim().slice(0, 160)}). ${advice}`;
}

function count(results: CaseResult[]): { passed: number; failed: number; skipped: number } {
  return {
    passed: results.filter((r) => r.status === 'passed').length,
    failed: results.filter((r) => r.status === 'failed').length,
    skipped: results.filter((r) => r.status === 'skipped').length,
  };
}

function latency(results: CaseResult[]) {
  return { ack: percentiles(results.flatMap((r) => r.ackMs)), reply: percentiles(results.flatMap((r) => r.replyMs)) };
}
