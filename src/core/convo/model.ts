// The conversation file, parsed: what `cometbot test` runs. Every node keeps where it was written.
import type { GroupChatSetting } from '../group-chat-setting.js';
export type { GroupChatSetting };

export interface Pos {
  line: number;
  column: number;
}

export interface ConvoApp {
  id?: string;
  region?: string;
  apiKey?: string;
}

export interface ConvoGroup {
  guid: string;
  name: string;
  members: string[];
  /** The bot is a member unless the file says bot: false. */
  bot: boolean;
}

export interface ConvoFile {
  /** The path as the user gave or found it (shown in reports). */
  path: string;
  name: string;
  bot: string;
  /** Where `bot:` was written, when it was (a run has one bot: a conflict names this place). */
  botPos?: Pos;
  app?: ConvoApp;
  appPos?: Pos;
  groupChatSetting: GroupChatSetting;
  users: { uid: string; name: string }[];
  groups: ConvoGroup[];
  tests: ConvoCase[];
}

export interface ConvoCase {
  name: string;
  pos: Pos;
  as: string;
  within: number;
  ackWithin: number;
  /** The case itself sets ackWithin (a check only the emulator can make: `test --live` skips the case). */
  ackWithinSet?: boolean;
  allowExtraReplies: boolean;
  /** A reason (or true) to skip the case: reported as skipped, never run. */
  skip?: string;
  /** Variables the case starts with: a row of its `each` (the name then says which). */
  vars?: Record<string, string>;
  steps: Step[];
}

export interface JsonExpectation {
  path: string;
  /** A value compared deeply, or a regular expression tested against a string or number. */
  equals?: unknown;
  regex?: RegExp;
}

export interface BotExpect {
  text?: string;
  contains?: string[];
  matches?: RegExp;
  /** `matches` written with `${NAME}`: compiled when the step runs, each value escaped. */
  matchesTemplate?: { source: string; flags: string };
  type?: string;
  category?: string;
  to?: 'user' | 'group';
  receiver?: string;
  thread?: boolean;
  json?: JsonExpectation[];
}

export interface UserStep {
  kind: 'user';
  pos: Pos;
  as: string;
  text?: string;
  group?: string;
  mention: string[];
  /** "last": a thread reply to the bot's last message. */
  thread?: 'last';
  custom?: { type: string; data: Record<string, unknown> };
  metadata?: Record<string, unknown>;
  attachment?: { url: string; name: string; mimeType: string };
}

export interface BotStep {
  kind: 'bot';
  pos: Pos;
  /** {} = any message. */
  expect: BotExpect;
  any: boolean;
  within: number;
  /** Skip messages that do not match until one does within the budget. */
  eventually?: boolean;
  /** Variables set from the matched message: NAME → dot path. */
  save?: Record<string, string>;
  /** A code check: an exported function of an ES module, the path relative to the file. */
  check?: { module: string; name: string; file: string };
}

export interface NoneStep {
  kind: 'none';
  pos: Pos;
  within: number;
}

export interface RedeliverStep {
  kind: 'redeliver';
  pos: Pos;
}

export interface FaultStep {
  kind: 'fault';
  pos: Pos;
  status: number;
  code: string;
  retryAfter?: number;
  times: number;
}

export interface WaitStep {
  kind: 'wait';
  pos: Pos;
  ms: number;
}

export type Step = UserStep | BotStep | NoneStep | RedeliverStep | FaultStep | WaitStep;

export const DEFAULTS = {
  bot: 'test-bot',
  as: 'alice',
  within: 5_000,
  ackWithin: 2_000,
  groupChatSetting: 'mentionedMessages' as GroupChatSetting,
} as const;

/** The users every case starts with (the emulator's seed), and its seed group. */
export const SEED_USERS = ['alice', 'bob', 'carol'] as const;
export const SEED_GROUP = 'team';

/** How a step is named in reports: "user", "bot", "bot: none", … */
export function stepLabel(step: Step): string {
  return step.kind === 'none' ? 'bot: none' : step.kind;
}
