// Builds Send Bot Message bodies from `say` input. Pure and validated before any request.
import { UsageError } from '../errors.js';
import { parseJsonObject } from './validate.js';

export interface SayInput {
  to?: string;
  group?: string;
  text: string;
  metadata?: string;
  custom?: string;
  data?: string;
  muid: string;
}

export interface Target {
  receiver: string;
  receiverType: 'user' | 'group';
}

export function sayTarget(to: string | undefined, group: string | undefined): Target {
  if (to && group) throw new UsageError('pass either --to or --group, not both', 'e.g. cometbot say --to alice "hi" or cometbot say --group team "hi"');
  if (to) return { receiver: to, receiverType: 'user' };
  if (group) return { receiver: group, receiverType: 'group' };
  throw new UsageError('no receiver: pass --to UID or --group GUID', 'e.g. cometbot say --to alice "hi"');
}

export function buildBotMessage(input: SayInput): Record<string, unknown> {
  const target = sayTarget(input.to, input.group);
  const metadata = input.metadata !== undefined ? parseJsonObject(input.metadata, '--metadata') : undefined;
  if (input.data !== undefined && input.custom === undefined) throw new UsageError('--data needs --custom TYPE', 'e.g. --custom poll --data \'{"question":"?"}\'');
  if (input.custom !== undefined) {
    if (!input.custom.trim()) throw new UsageError('--custom needs a type', 'e.g. --custom poll');
    if (input.data === undefined) throw new UsageError('--custom needs --data JSON', 'e.g. --custom poll --data \'{"question":"?"}\'');
    const customData = parseJsonObject(input.data, '--data');
    return {
      ...target,
      category: 'custom',
      type: input.custom,
      data: { customData, ...(input.text ? { text: input.text } : {}), ...(metadata ? { metadata } : {}) },
      muid: input.muid,
    };
  }
  if (!input.text.trim()) throw new UsageError('the message text is empty', 'pass the text as arguments, or pipe it on stdin: echo hi | cometbot say --to alice');
  return { ...target, category: 'message', type: 'text', data: { text: input.text, ...(metadata ? { metadata } : {}) }, muid: input.muid };
}
