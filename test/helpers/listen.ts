import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { request as httpRequest, Agent } from 'node:http';
import { BIN } from './cli.js';
import type { ListenNdjsonEvent } from '../../src/listen/ndjson.js';

export interface Listening {
  child: ChildProcessWithoutNullStreams;
  ready: Extract<ListenNdjsonEvent, { event: 'ready' }>;
  events: Record<string, unknown>[];
  stderr: () => string;
  /** Resolves with the next event matching the predicate (already-seen events count). */
  waitFor(pred: (e: Record<string, any>) => boolean): Promise<Record<string, any>>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Spawns `cometbot listen --json` and waits for its ready event. */
export async function spawnListen(args: string[], env: Record<string, string | undefined>, options: { readStdout?: boolean } = {}): Promise<Listening> {
  const child = spawn(process.execPath, [BIN, '--json', 'listen', '--no-tunnel', '--port', '0', ...args], {
    env: { PATH: process.env.PATH, TMPDIR: process.env.TMPDIR, NO_COLOR: '1', ...env } as NodeJS.ProcessEnv,
  });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const events: Record<string, unknown>[] = [];
  const waiters: { pred: (e: Record<string, any>) => boolean; resolve: (e: Record<string, any>) => void }[] = [];
  let buffer = '';
  const readyLine = new Promise<Record<string, any>>((resolve, reject) => {
    const onData = (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const event = JSON.parse(line) as Record<string, any>;
        events.push(event);
        if (event.event === 'ready') resolve(event);
        for (const w of [...waiters]) if (w.pred(event)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(event);
        }
      }
      if (options.readStdout === false && events.some((e) => e.event === 'ready')) {
        child.stdout.off('data', onData);
        child.stdout.pause();
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`listen exited early (${code}): ${err}`)));
  });
  const ready = (await readyLine) as Listening['ready'];
  return {
    child,
    ready,
    events,
    stderr: () => err,
    waitFor(pred) {
      const seen = events.find(pred);
      if (seen) return Promise.resolve(seen as Record<string, any>);
      return new Promise((resolve) => waiters.push({ pred, resolve }));
    },
    async stop(signal = 'SIGINT') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = await once(child, 'exit');
      return code as number | null;
    },
  };
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function post(url: string, body: string | Buffer, headers: Record<string, string> = {}, options: { method?: string; agent?: Agent } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'POST', headers: { 'content-type': 'application/json', ...headers }, agent: options.agent }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

export function callbackPayload(overrides: { id?: string; sender?: string; receiver?: string; receiverType?: 'user' | 'group'; text?: string; category?: string } = {}) {
  return {
    trigger: 'after_message',
    data: {
      id: overrides.id ?? '101',
      conversationId: 'alice_user_helper',
      sender: overrides.sender ?? 'alice',
      receiverType: overrides.receiverType ?? 'user',
      receiver: overrides.receiver ?? 'helper',
      category: overrides.category ?? 'message',
      type: 'text',
      data: { text: overrides.text ?? 'hello bot', entities: { sender: { entity: { uid: overrides.sender ?? 'alice', name: 'Alice' }, entityType: 'user' } } },
      sentAt: 1795600000,
    },
    appId: 'testapp',
    region: 'eu',
    origin: { platform: 'web', language: 'reactjs', resource: 'chat-widget' },
    chatAPIVersion: '3.0',
    bot: 'helper',
  };
}
