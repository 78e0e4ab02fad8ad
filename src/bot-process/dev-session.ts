// `cometbot dev`: the bot under a file watcher, and what plays CometChat to it — a local emulator (the
// bot's calls to CometChat's hosts routed to it), or listen's session with its tunnel forwarding the
// real CometChat's callbacks to the bot. One object: start, typed events, one idempotent close.
import { EventEmitter } from 'node:events';
import { DevLoop, type DevLoopEvents } from './dev-loop.js';
import type { Emulator } from '../emulator/server.js';
import type { ListenReady, ListenSession, ListenSessionOptions } from '../listen/session.js';
import type { Credentials } from '../core/basic-auth.js';
import type { GroupChatSetting } from '../core/group-chat-setting.js';
import { serverStartError } from '../core/server-start-error.js';

/** --emulate: the app the emulator plays and the bot registered there. */
export interface EmulatedApp {
  apiPort: number;
  appId: string;
  region: string;
  /** A key the bot must send; undefined: any non-empty key. */
  apiKey?: string;
  uid: string;
  name: string;
  groupChatSetting: GroupChatSetting;
  credentials: Credentials;
  now: () => Date;
  /** The user's own CA bundle, kept in what the bot trusts. */
  userCaFile?: string;
}

/** --tunnel: listen's session (forwarding to the bot), and what the bot is told of the real app. */
export interface TunnelledApp {
  listen: ListenSessionOptions;
  bot: { appId: string; region: string; apiKey: string; apiUrl: string; uid: string; credentials: Credentials };
}

export interface DevSessionOptions {
  command: string[];
  /** The environment the bot inherits (cometbot adds PORT, COMETCHAT_* and the routing variables). */
  env: Record<string, string | undefined>;
  cwd: string;
  botPort: number;
  botUrl: URL;
  startTimeoutMs: number;
  watchPaths: string[];
  ignore: (path: string) => boolean;
  extraExtensions: string[];
  stage: { emulate: EmulatedApp } | { tunnel: TunnelledApp };
}

export interface DevReady {
  emulator?: Emulator;
  listen?: { session: ListenSession; ready: ListenReady };
}

export interface DevSessionEvents extends DevLoopEvents {
  /** The emulator is up with the bot registered (before the bot starts). */
  emulator: [Emulator];
}

export class DevSession extends EventEmitter<DevSessionEvents> {
  private loop?: DevLoop;
  private readonly stack: (() => Promise<unknown>)[] = [];
  private closing?: Promise<void>;

  constructor(private readonly opts: DevSessionOptions) {
    super();
  }

  /** Starts what plays CometChat, then the bot (resolving once it listens, or has said why it did not). */
  async start(): Promise<DevReady> {
    const { opts } = this;
    const { botEnvironment } = await import('./bot-env.js');
    let env: Record<string, string | undefined>;
    let keeperDirs: string[] = [];
    let emulator: Emulator | undefined;
    if ('emulate' in opts.stage) {
      const started = await this.startEmulated(opts.stage.emulate);
      emulator = started.emulator;
      env = started.env;
      keeperDirs = [started.runDir];
      this.emit('emulator', started.emulator);
    } else {
      const { bot } = opts.stage.tunnel;
      env = botEnvironment({ appId: bot.appId, region: bot.region, apiKey: bot.apiKey, apiUrl: bot.apiUrl, botUid: bot.uid, credentials: bot.credentials });
    }
    const loop = new DevLoop({
      bot: { command: opts.command[0]!, args: opts.command.slice(1), env: { ...opts.env, ...env, PORT: String(opts.botPort) }, cwd: opts.cwd, keeperDirs },
      port: opts.botPort,
      startTimeoutMs: opts.startTimeoutMs,
      watchPaths: opts.watchPaths,
      ignore: opts.ignore,
      cwd: opts.cwd,
      extraExtensions: opts.extraExtensions,
    });
    this.loop = loop;
    this.stack.push(() => loop.close());
    // The loop's events are the session's: a command subscribes once, before start().
    const from = loop as unknown as EventEmitter;
    const to = this as unknown as EventEmitter;
    for (const name of ['started', 'restarting', 'crashed', 'start-failed', 'output', 'watch-problem'] as const) from.on(name, (e: unknown) => to.emit(name, e));
    await loop.start();
    if ('emulate' in opts.stage) return { emulator };
    const { ListenSession } = await import('../listen/session.js');
    const session = new ListenSession({ ...opts.stage.tunnel.listen, forwardTo: opts.botUrl });
    const ready = await session.start();
    this.stack.push(() => session.close());
    return { listen: { session, ready } };
  }

  /** The emulator, with the bot registered and its CometChat calls routed to it. */
  private async startEmulated(app: EmulatedApp): Promise<{ emulator: Emulator; env: Record<string, string | undefined>; runDir: string }> {
    const [{ Emulator }, { Routing, startsJvm }, { botEnvironment }] = await Promise.all([import('../emulator/server.js'), import('./routing.js'), import('./bot-env.js')]);
    const { DEFAULT_EMULATOR_KEY } = await import('../core/emulator-defaults.js');
    const emulator = new Emulator({ port: app.apiPort, appId: app.appId, region: app.region, apiKey: app.apiKey ?? DEFAULT_EMULATOR_KEY, anyApiKey: app.apiKey === undefined, now: app.now });
    try {
      await emulator.start();
    } catch (e) {
      throw serverStartError(e, { what: 'the emulator', port: `--api-port ${app.apiPort}`, holder: 'cometbot emulate', hint: 'pass --api-port 0 for any free port' });
    }
    this.stack.push(() => emulator.close());
    const { command } = this.opts;
    const routing = await Routing.start(new URL(emulator.url), { userCaFile: app.userCaFile, jvm: startsJvm(command[0]!, command.slice(1)) });
    this.stack.push(() => routing.close());
    const { backend } = emulator;
    backend.registerBot({ uid: app.uid, name: app.name, webhookURL: this.opts.botUrl.href, groupChatSetting: app.groupChatSetting, ...app.credentials });
    if (backend.groups.find('team')) backend.addMembers('team', [app.uid]);
    return {
      emulator,
      runDir: routing.dir,
      env: {
        ...routing.env(this.opts.env.NODE_OPTIONS, { PYTHONPATH: this.opts.env.PYTHONPATH, JAVA_TOOL_OPTIONS: this.opts.env.JAVA_TOOL_OPTIONS }),
        ...botEnvironment({ appId: app.appId, region: app.region, apiKey: emulator.apiKey, apiUrl: emulator.baseUrl, botUid: app.uid, credentials: app.credentials }),
      },
    };
  }

  /** A second Ctrl-C: the bot's process group is killed now, without the grace period. */
  killNow(): void {
    this.loop?.killNow();
  }

  /** Stops the bot, then the tunnel or the emulator and its routing, in reverse order of start. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const close of this.stack.splice(0).reverse()) await close().catch(() => undefined);
    })();
    return this.closing;
  }
}
