// What a test run reports: one result per case, a summary per file and for the run.
import type { Percentiles } from '../core/stats.js';

export type CaseStatus = 'passed' | 'failed' | 'skipped';

export interface StepResult {
  line: number;
  kind: string;
  status: CaseStatus;
  ms: number;
}

export interface TranscriptLine {
  /** Milliseconds since the case started. */
  at: number;
  text: string;
}

export interface RefusedCall {
  method: string;
  path: string;
  status: number;
  errorCode?: string;
  /** CometChat's message for the refusal (for ERR_NOT_EMULATED: the operation). */
  errorMessage?: string;
  /** The CometChat host the bot called, when its call was routed to the emulator. */
  host?: string;
}

export interface Failure {
  /** The one-line reason. */
  message: string;
  file: string;
  line: number;
  column: number;
  /** The failing step's kind, or "case" for a check made at the end of the case. */
  kind: string;
  /** "- expected" / "+ actual" lines. */
  diff: string[];
  /** What to do about it, when cometbot can tell (e.g. the bot never reached the emulator). */
  hint?: string;
}

export interface CaseResult {
  file: string;
  suite: string;
  name: string;
  line: number;
  status: CaseStatus;
  skipReason?: string;
  ms: number;
  steps: StepResult[];
  failure?: Failure;
  transcript: TranscriptLine[];
  refused: RefusedCall[];
  ackMs: number[];
  replyMs: number[];
  /** The last lines of the bot process's output (when cometbot started the bot). */
  botOutput?: string[];
  /** REST calls the bot made during the case (any answer). */
  restCalls?: number;
}

export interface Latency {
  ack: Percentiles;
  reply: Percentiles;
}

export interface FileSummary extends Latency {
  file: string;
  suite: string;
  passed: number;
  failed: number;
  skipped: number;
  ms: number;
}

/** A bot message that answers a case already reported (it came after that case ended). */
export interface LateReply {
  file: string;
  suite: string;
  case: string;
  line: number;
  /** "bot → alice: text" */
  message: string;
}

export interface RunSummary extends Latency {
  passed: number;
  failed: number;
  skipped: number;
  ms: number;
  /** Cases not run because --fail-fast stopped the run, or it was interrupted. */
  notRun: number;
  interrupted: boolean;
  /** Replies that came after their case was reported: any makes the run fail. */
  late: LateReply[];
  /** The started bot exited during the run, or a real app stopped answering (the message says how). */
  botExited?: string;
  /** `test --live`: the real app the run played against, APP_ID/REGION. */
  live?: string;
}
