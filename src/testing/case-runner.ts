// Runs one conversation case against the bot on a stage (the emulator, or a real app with --live):
// steps in order, each waiting on the stage's events (a delivery answered, a bot message), never on fixed sleeps.
import type { BotMessageEvent, OutboxEntry } from '../emulator/server.js';
import type { Stage } from './stage.js';
import type { Delivery, DeliveryAttempt } from '../emulator/backend/index.js';
import type { BotStep, ConvoCase, ConvoFile, FaultStep, NoneStep, Step, UserStep } from '../core/convo/model.js';
import { stepLabel } from '../core/convo/model.js';
import { diffLines, getPath, matchBotMessage, mismatchSummary, regexChecks, type BotMessage } from '../core/convo/match.js';
import { UnsetVariable } from '../core/convo/variables.js';
import { bindExpect, bindUser } from '../core/convo/bind.js';
import { RegexTimeout, type RegexGuard } from './regex-guard.js';
import { describeUserMessage, userMessageBody } from '../core/convo/user-message.js';
import { formatDuration } from '../core/duration.js';
import { describeMessage } from '../core/describe-message.js';
import type { CaseResult, Failure, RefusedCall, StepResult, TranscriptLine } from './results.js';

export interface Arena {
  /** The emulator, or a real app (`test --live`). */
  stage: Stage;
  /** The bot's webhook URL. */
  botUrl: string;
  signal: AbortSignal;
  /** Regular expressions from the files run here, under a time budget. */
  regex: RegexGuard;
  /** While a case runs, the run hands it the bot's messages that are its own, and fatal events. */
  enter(sink: CaseSink): void;
  leave(): void;
  /** A callback this case caused: a reply to it after the case is a late reply of this case. */
  own(deliveryId: number): void;
}

/** What a running case takes from the run. */
export interface CaseSink {
  /** A message of the bot's that belongs to this case (its callback, or no earlier case's). */
  botMessage(e: BotMessageEvent): void;
  /** A message that answers an earlier case's callback: noted in this transcript, never matched. */
  noteLate(e: BotMessageEvent, of: string): void;
  /** Something that ends the case now (the bot exited). */
  fatal(message: string): void;
}

/** A step ends early with a failure; the case stops there. */
class StepFailure extends Error {
  constructor(
    message: string,
    readonly diff: string[] = [],
  ) {
    super(message);
  }
}

class Interrupted extends Error {}

interface Arrived {
  message: BotMessage;
  callbackId?: number;
  /** When it arrived, ms since the case started. */
  at: number;
}

/** Extra time the relay waits past ackWithin, so a late answer is reported with its real time. */
export const ACK_GRACE_MS = 1_000;

export async function runCase(arena: Arena, file: ConvoFile, c: ConvoCase, created?: (result: CaseResult) => void): Promise<CaseResult> {
  const result: CaseResult = { file: file.path, suite: file.name, name: c.name, line: c.pos.line, status: 'passed', ms: 0, steps: [], transcript: [], refused: [], ackMs: [], replyMs: [] };
  created?.(result);
  if (c.skip) {
    result.status = 'skipped';
    result.skipReason = c.skip;
    result.steps = c.steps.map((s) => ({ line: s.pos.line, kind: stepLabel(s), status: 'skipped', ms: 0 }));
    return result;
  }
  const run = new CaseRun(arena, file, c, result);
  await run.execute();
  return result;
}

/** A failed case waits at most this long for replies to its callbacks, so they are not taken for the next case's. */
const DRAIN_MAX_MS = 5_000;
/** …and until the bot has been quiet this long (the rest of a split answer). */
const DRAIN_QUIET_MS = 200;

class CaseRun implements CaseSink {
  private readonly started = performance.now();
  /** A failure that ends the step being waited on at once (a refused call, the bot exiting). */
  private pending?: StepFailure;
  private wake?: () => void;
  /** This case's callbacks, and how many messages came back for each. */
  private readonly repliesTo = new Map<number, number>();
  /** Why the last user message reached no bot, while that is what a bot step would wait on. */
  private unrelayed?: string;
  private failedAt?: number;
  /** The case's variables: its `each` row, then named groups and `save`s as steps match. */
  private readonly vars: Map<string, string>;
  private readonly env: Record<string, string | undefined> = process.env;
  /** The bot exited: nothing more will come. */
  private botGone = false;
  /** When the last bot message of this case came (performance.now()). */
  private lastArrival = -Infinity;
  private readonly arrived: Arrived[] = [];
  /** Index of the next bot message a bot step takes. */
  private next = 0;
  private onArrival?: () => void;
  private lastDelivery?: Delivery;
  private lastBotMessageId?: string;
  private readonly callbackStart = new Map<number, number>();
  private readonly warnings: string[] = [];
  private readonly detach: () => void;

  constructor(
    private readonly arena: Arena,
    private readonly file: ConvoFile,
    private readonly c: ConvoCase,
    private readonly result: CaseResult,
  ) {
    this.vars = new Map(Object.entries(c.vars ?? {}));
    const { stage } = arena;
    const onRestCall = (e: OutboxEntry) => this.outbox(e);
    stage.on('rest-call', onRestCall);
    arena.enter(this);
    this.detach = () => {
      stage.off('rest-call', onRestCall);
      arena.leave();
    };
  }

  private elapsed(): number {
    return Math.round(performance.now() - this.started);
  }

  private say(text: string): void {
    this.result.transcript.push({ at: this.elapsed(), text } satisfies TranscriptLine);
  }

  async execute(): Promise<void> {
    try {
      this.arena.stage.setUp(this.file, this.c);
      for (const step of this.c.steps) {
        const stepStarted = performance.now();
        const record: StepResult = { line: step.pos.line, kind: stepLabel(step), status: 'passed', ms: 0 };
        this.result.steps.push(record);
        try {
          await this.step(step);
        } catch (e) {
          record.status = 'failed';
          record.ms = Math.round(performance.now() - stepStarted);
          if (e instanceof StepFailure) this.fail(e, step);
          else throw e;
          break;
        }
        record.ms = Math.round(performance.now() - stepStarted);
      }
      if (!this.result.failure) this.finalChecks();
      for (const step of this.c.steps.slice(this.result.steps.length)) this.result.steps.push({ line: step.pos.line, kind: stepLabel(step), status: 'skipped', ms: 0 });
      if (this.result.failure) await this.drain();
    } finally {
      this.detach();
      this.result.ms = this.elapsed();
    }
  }

  private fail(e: StepFailure, step?: Step): void {
    this.failedAt ??= this.elapsed();
    const pos = step?.pos ?? this.c.pos;
    const failure: Failure = { message: e.message, file: this.file.path, line: pos.line, column: pos.column, kind: step ? stepLabel(step) : 'case', diff: e.diff };
    this.result.status = 'failed';
    this.result.failure = failure;
  }

  private async step(step: Step): Promise<void> {
    switch (step.kind) {
      case 'user':
        return this.user(step);
      case 'bot':
        return this.bot(step);
      case 'none':
        return this.none(step);
      case 'redeliver':
        return this.redeliver();
      case 'fault':
        return this.fault(step);
      case 'wait':
        this.say(`wait ${formatDuration(step.ms)}`);
        await this.sleep(step.ms);
        return;
    }
  }

  private async user(raw: UserStep): Promise<void> {
    const { stage } = this.arena;
    const step = this.bind(() => bindUser(raw, this.vars, this.env));
    const body = userMessageBody(step, this.file.bot, (uid) => stage.entityOf(uid));
    let parentId: string | undefined;
    if (step.thread === 'last') {
      parentId = this.lastBotMessageId;
      if (!parentId) throw new StepFailure('thread: last, but the bot has sent no message in this case yet');
    }
    this.say(describeUserMessage(step.as, body) + (parentId ? ` (thread of #${parentId})` : ''));
    let sent;
    try {
      sent = await this.race(stage.send(this.file, step, body, parentId));
    } catch (e) {
      if (e instanceof StepFailure || isInterrupted(e)) throw e;
      throw new StepFailure(`CometChat refused the user's message: ${(e as Error).message}`);
    }
    if (sent.trackId !== undefined) {
      // A real app: no callback to see; the bot's replies to this message are attributed to it.
      this.unrelayed = undefined;
      this.track(sent.trackId);
      return;
    }
    if (sent.deliveries.length === 0) {
      const why = sent.unrelayed ?? 'no bot receives it';
      this.say(`  not relayed to ${this.file.bot}: ${why}`);
      this.unrelayed = why;
      return;
    }
    this.unrelayed = undefined;
    for (const d of sent.deliveries) await this.awaitAck(d, 'callback');
  }

  /** Replies to `id` (a callback, or a tracked user message) belong to this case; latency counts from now. */
  private track(id: number): void {
    this.callbackStart.set(id, performance.now());
    this.repliesTo.set(id, 0);
    this.arena.own(id);
  }

  private async awaitAck(delivery: Delivery, label: string): Promise<void> {
    this.lastDelivery = delivery;
    this.track(delivery.id);
    const attempt = await this.race(this.arena.stage.nextAttempt(delivery));
    this.checkAck(delivery, attempt, label);
  }

  private checkAck(delivery: Delivery, attempt: DeliveryAttempt, label: string): void {
    const budget = this.c.ackWithin;
    const answered = attempt.status !== undefined;
    if (answered) this.result.ackMs.push(attempt.ms);
    this.say(`  ${label} #${delivery.id} (data.id ${delivery.messageId}) → ${answered ? `${attempt.status} in ${attempt.ms} ms` : attempt.error}`);
    const expected = `- ack: 2xx within ${formatDuration(budget)}`;
    if (!answered) throw new StepFailure(`the bot did not answer the callback: ${attempt.error}`, [expected, `+ ack: ${attempt.error}`]);
    if (attempt.status === 404) throw new StepFailure(`the bot answered the callback 404: is its webhook on another path? (${this.arena.botUrl} is called; --bot-path /webhook, or the path in --bot-url)`, [expected, `+ ack: 404 in ${attempt.ms} ms`]);
    if (attempt.status! < 200 || attempt.status! >= 300) throw new StepFailure(`the bot answered the callback ${attempt.status} (CometChat expects 2xx)`, [expected, `+ ack: ${attempt.status} in ${attempt.ms} ms`]);
    if (attempt.ms > budget) throw new StepFailure(`the bot answered the callback after ${attempt.ms} ms (ackWithin ${formatDuration(budget)}): ack first, then reply`, [expected, `+ ack: ${attempt.status} in ${attempt.ms} ms`]);
  }

  private async bot(step: BotStep): Promise<void> {
    const wanted = describeExpectation(step);
    // Nothing can come: the last user message reached no bot and every callback was answered.
    if (this.next >= this.arrived.length && this.unrelayed !== undefined && [...this.repliesTo.values()].every((n) => n > 0)) {
      throw new StepFailure(`no bot message can come: the last user message was not relayed to ${this.file.bot} (${this.unrelayed})`, [`- ${wanted}`, `+ not relayed: ${this.unrelayed}`]);
    }
    const expect = this.bind(() => bindExpect(step.expect, this.vars, this.env));
    const deadline = performance.now() + step.within;
    let skipped = 0;
    for (;;) {
      const got = await this.nextMessage(Math.max(0, deadline - performance.now()));
      if (!got) {
        const why = skipped ? ` (${skipped} skipped: none matched)` : '';
        throw new StepFailure(`no ${skipped ? 'matching ' : ''}bot message within ${formatDuration(step.within)}${why}`, [`- ${wanted}`, `+ nothing${skipped ? ' matching' : ''} within ${formatDuration(step.within)}`]);
      }
      let evaluated;
      try {
        evaluated = await this.race(this.arena.regex.evaluate(regexChecks(expect, got.message)));
      } catch (e) {
        if (e instanceof RegexTimeout) throw new StepFailure(e.message, [`- ${wanted}`, `+ (message: ${describeBotMessage(got.message)})`]);
        throw e;
      }
      const mismatches = matchBotMessage(expect, got.message, evaluated.test);
      const checkFailure = mismatches.length === 0 && step.check ? await this.runCheck(step, got.message) : undefined;
      if (mismatches.length === 0 && checkFailure === undefined) {
        for (const [name, value] of Object.entries(evaluated.groups)) this.vars.set(name, value);
        this.save(step, got.message);
        return;
      }
      if (step.eventually) {
        // Typing notes, split answers: shown as skipped, and the next message is tried.
        skipped += 1;
        this.say(`  skipped (eventually): ${describeBotMessage(got.message)}`);
        continue;
      }
      if (checkFailure !== undefined) throw new StepFailure(`check ${step.check!.module}#${step.check!.name}: ${checkFailure}`, [`- ${wanted}`, `+ (message: ${describeBotMessage(got.message)})`]);
      throw new StepFailure(`the bot's message does not match: ${mismatchSummary(mismatches)}`, [...diffLines(mismatches), `  (message: ${describeBotMessage(got.message)})`]);
    }
  }

  /** `save: {NAME: path}`: the values of the matched message become variables. */
  private save(step: BotStep, message: BotMessage): void {
    for (const [name, path] of Object.entries(step.save ?? {})) {
      const found = getPath(message, path);
      if (!found.present || found.value === null || typeof found.value === 'object') throw new StepFailure(`save: ${path} is ${found.present ? 'not a text or number' : 'absent'} in the bot's message, so \${${name}} cannot be set`, [`  (message: ${describeBotMessage(message)})`]);
      this.vars.set(name, String(found.value));
    }
  }

  /** A code check: the exported function's verdict (true, or a reason); a throw is the reason. */
  private async runCheck(step: BotStep, message: BotMessage): Promise<string | undefined> {
    const { module, name, file } = step.check!;
    let fn: unknown;
    try {
      const { pathToFileURL } = await import('node:url');
      const { dirname, resolve } = await import('node:path');
      const loaded = (await import(pathToFileURL(resolve(dirname(resolve(file)), module)).href)) as Record<string, unknown>;
      fn = loaded[name] ?? (name === 'default' ? loaded.default : undefined);
    } catch (e) {
      throw new StepFailure(`check: cannot load ${module} (${(e as Error).message.split('\n')[0]})`);
    }
    if (typeof fn !== 'function') throw new StepFailure(`check: ${module} exports no function "${name}"`);
    let verdict: unknown;
    try {
      verdict = await this.race(Promise.resolve((fn as (m: unknown, ctx: unknown) => unknown)(message, { variables: Object.fromEntries(this.vars), case: this.c.name, file: this.file.path })));
    } catch (e) {
      if (e instanceof StepFailure || isInterrupted(e)) throw e;
      return (e as Error)?.message ?? String(e);
    }
    if (verdict === true) return undefined;
    return typeof verdict === 'string' && verdict ? verdict : `it returned ${JSON.stringify(verdict) ?? String(verdict)} (return true, or a reason)`;
  }

  /** Runs `fn`, turning a variable used before it is set into the step's failure. */
  private bind<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof UnsetVariable) throw new StepFailure(`${e.message} (set it earlier in the case: a named group in matches, save, or each)`);
      throw e;
    }
  }

  private async none(step: NoneStep): Promise<void> {
    const got = await this.nextMessage(step.within);
    if (got) throw new StepFailure(`the bot sent a message where none was expected (within ${formatDuration(step.within)})`, ['- no bot message', `+ ${describeBotMessage(got.message)}`]);
  }

  private async redeliver(): Promise<void> {
    const previous = this.lastDelivery;
    if (!previous) throw new StepFailure('redeliver: last, but no callback was delivered in this case yet');
    const again = this.arena.stage.redeliver(previous);
    if (!again) throw new StepFailure('redeliver: the last callback is no longer kept by the emulator');
    this.say(`redeliver callback #${previous.id} (same data.id ${previous.messageId})`);
    await this.awaitAck(again, 'redelivery');
  }

  private fault(step: FaultStep): void {
    this.arena.stage.injectFault(step);
    this.say(`fault: the bot's next ${step.times === 1 ? 'REST call gets' : `${step.times} REST calls get`} ${step.status} ${step.code}${step.retryAfter !== undefined ? ` (Retry-After ${step.retryAfter})` : ''}`);
  }

  /** The next bot message not yet taken by a step, waiting up to `ms` for one. */
  private async nextMessage(ms: number): Promise<Arrived | undefined> {
    if (this.next >= this.arrived.length) {
      let timer: NodeJS.Timeout | undefined;
      await this.race(
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, ms);
          this.onArrival = resolve;
        }),
      ).finally(() => {
        // Also when the wait ends early (a failure, an interrupt): no timer outlives it.
        clearTimeout(timer);
        this.onArrival = undefined;
      });
    }
    return this.next < this.arrived.length ? this.arrived[this.next++] : undefined;
  }

  noteLate(e: BotMessageEvent, of: string): void {
    this.say(`${describeBotMessage(e.message as unknown as BotMessage)} — late reply to case "${of}", never matched here`);
  }

  fatal(message: string): void {
    this.botGone = true;
    this.interruptWith(new StepFailure(message));
  }

  botMessage(e: BotMessageEvent): void {
    const message = e.message as unknown as BotMessage;
    this.lastArrival = performance.now();
    if (e.callbackId !== undefined && this.repliesTo.has(e.callbackId)) this.repliesTo.set(e.callbackId, this.repliesTo.get(e.callbackId)! + 1);
    if (this.failedAt !== undefined) {
      // After the case failed (its drain): shown as what it is, never matched.
      const since = e.callbackId !== undefined ? this.callbackStart.get(e.callbackId) : undefined;
      this.say(`${describeBotMessage(message)}${since !== undefined ? ` (${Math.round(performance.now() - since)} ms)` : ''} — late: after the step's budget, never matched`);
      this.wake?.();
      return;
    }
    const at = this.elapsed();
    this.arrived.push({ message, at, ...(e.callbackId !== undefined ? { callbackId: e.callbackId } : {}) });
    this.lastBotMessageId = message.id;
    const since = e.callbackId !== undefined ? this.callbackStart.get(e.callbackId) : undefined;
    const ms = since !== undefined ? Math.round(performance.now() - since) : undefined;
    if (ms !== undefined) this.result.replyMs.push(ms);
    this.say(`${describeBotMessage(message)}${ms !== undefined ? ` (${ms} ms)` : ''}`);
    this.onArrival?.();
  }

  private outbox(e: OutboxEntry): void {
    this.result.restCalls = (this.result.restCalls ?? 0) + 1;
    // A call the emulator refused is the bot's answer (it acted and was refused): the drain waits for no more.
    if (e.status >= 400 && !e.injected) for (const [id, n] of this.repliesTo) if (n === 0) this.repliesTo.set(id, 1);
    if (e.warning) this.warnings.push(e.warning);
    if (e.status < 400) return;
    if (e.injected) {
      this.say(`  ${e.method} ${e.path} → ${e.status} ${e.errorCode ?? ''} (injected fault)`);
      return;
    }
    const refused: RefusedCall = { method: e.method, path: e.path, status: e.status, ...(e.errorCode ? { errorCode: e.errorCode } : {}), ...(e.errorMessage ? { errorMessage: e.errorMessage } : {}), ...(e.host ? { host: e.host } : {}) };
    this.result.refused.push(refused);
    this.say(`  ${e.method} ${e.host ? `https://${e.host}` : ''}${e.path} → ${e.status} ${e.errorCode ?? ''} (refused)`);
    // The outcome is known now: the step being waited on fails at once, with CometChat's own words.
    if (this.result.refused.length === 1 && this.failedAt === undefined) this.interruptWith(refusedFailure(refused));
  }

  /** The checks every case gets at its end: refused REST calls, a bot messaging itself, unmatched replies. */
  private finalChecks(): void {
    const refused = this.result.refused[0];
    if (refused) {
      this.fail(refusedFailure(refused));
      return;
    }
    const warning = this.warnings[0];
    if (warning) {
      this.fail(new StepFailure(warning));
      return;
    }
    const extra = this.arrived.slice(this.next);
    if (extra.length > 0 && !this.c.allowExtraReplies) {
      this.fail(
        new StepFailure(`the bot sent ${extra.length === 1 ? 'a message' : `${extra.length} messages`} no step expected (add a bot step, or allowExtraReplies: true)`, [
          '- no more bot messages',
          ...extra.map((a) => `+ ${describeBotMessage(a.message)}`),
        ]),
      );
    }
  }

  /**
   * After a failure, the case's callbacks that have had no reply yet may still get one: it waits for
   * them (at most its longest budget, ≤ 5 s), so such a reply is shown here as late instead of being
   * taken for the next case's. A case that passed never waits here.
   */
  private async drain(): Promise<void> {
    const unanswered = () => !this.botGone && [...this.repliesTo.values()].some((n) => n === 0);
    // A bot still talking (a second message of a split answer) gets a quiet moment to finish.
    const talking = () => !this.botGone && performance.now() - this.lastArrival < DRAIN_QUIET_MS;
    if ((!unanswered() && !talking()) || this.arena.signal.aborted) return;
    const budget = Math.min(DRAIN_MAX_MS, Math.max(this.c.ackWithin, ...this.c.steps.map((s) => ('within' in s ? s.within : 0))));
    const deadline = performance.now() + budget;
    while ((unanswered() || talking()) && performance.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      const until = unanswered() ? deadline : Math.min(deadline, this.lastArrival + DRAIN_QUIET_MS);
      try {
        await this.race(
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, Math.max(0, until - performance.now()));
            this.wake = resolve;
          }),
        );
      } catch {
        return; // interrupted, or the bot exited: nothing more will come
      } finally {
        clearTimeout(timer);
        this.wake = undefined;
      }
    }
  }

  /** Ends the wait in progress with this failure (or the next one, if none is in progress). */
  private interruptWith(failure: StepFailure): void {
    this.pending ??= failure;
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    return this.race(new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))).finally(() => clearTimeout(timer));
  }

  /** Waits for `work`; throws when the run is interrupted or a failure is known (interruptWith). */
  private race<T>(work: Promise<T>): Promise<T> {
    const { signal } = this.arena;
    if (signal.aborted) return Promise.reject(new Interrupted());
    if (this.pending) return Promise.reject(this.takePending());
    return new Promise<T>((resolve, reject) => {
      const previousWake = this.wake;
      const cleanup = () => {
        signal.removeEventListener('abort', onAbort);
        if (this.wake === onWake) this.wake = previousWake;
      };
      const onAbort = () => {
        cleanup();
        reject(new Interrupted());
      };
      const onWake = () => {
        previousWake?.();
        if (!this.pending) return;
        cleanup();
        reject(this.takePending());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.wake = onWake;
      work.then(
        (v) => {
          cleanup();
          resolve(v);
        },
        (e) => {
          cleanup();
          reject(e);
        },
      );
    });
  }

  private takePending(): StepFailure {
    const failure = this.pending!;
    this.pending = undefined;
    this.failedAt ??= this.elapsed();
    return failure;
  }
}

function refusedFailure(refused: RefusedCall): StepFailure {
  if (refused.errorCode === 'ERR_NOT_EMULATED') {
    // Not the bot's defect: the emulator cannot answer this operation as CometChat would.
    return new StepFailure(`the bot called an operation the emulator does not serve: ${refused.errorMessage ?? `${refused.method} ${refused.path}`} (not a defect of the bot: this case cannot be judged offline)`, ['- every REST call answered as CometChat answers it', `+ ${refused.status} ERR_NOT_EMULATED`]);
  }
  return new StepFailure(`the bot made a REST call CometChat refuses: ${refused.method} ${refused.path} → ${refused.status} ${refused.errorCode ?? ''}${refused.errorMessage ? ` (${refused.errorMessage})` : ''}`.trim(), ['- every REST call accepted', `+ ${refused.status} ${refused.errorCode ?? ''}`.trim()]);
}

export function isInterrupted(e: unknown): boolean {
  return e instanceof Interrupted;
}

export function describeBotMessage(m: BotMessage): string {
  return describeMessage(m);
}

function describeExpectation(step: BotStep): string {
  if (step.any) return 'any bot message';
  const e = step.expect;
  const parts: string[] = [];
  if (e.text !== undefined) parts.push(`text ${JSON.stringify(e.text)}`);
  for (const c of e.contains ?? []) parts.push(`contains ${JSON.stringify(c)}`);
  if (e.matches) parts.push(`matches ${String(e.matches)}`);
  if (e.type) parts.push(`type ${e.type}`);
  if (e.category) parts.push(`category ${e.category}`);
  if (e.to) parts.push(`to ${e.to}`);
  if (e.receiver) parts.push(`receiver ${e.receiver}`);
  if (e.thread !== undefined) parts.push(e.thread ? 'a thread reply' : 'not a thread reply');
  for (const j of e.json ?? []) parts.push(`json ${j.path} ${j.regex ? String(j.regex) : JSON.stringify(j.equals)}`);
  return `a bot message with ${parts.join(', ')}`;
}
