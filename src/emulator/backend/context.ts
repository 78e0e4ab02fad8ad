// What every domain module shares: the store, the clock and the backend's event sink.
import type { Message } from './model.js';
import type { Store } from './store.js';

export type Change = 'edited' | 'deleted' | 'reactionAdded' | 'reactionRemoved';

export interface BackendEvents {
  /** A message was stored (a user's, a bot's, a system or action message). */
  message: [Message];
  /** A stored message was edited, deleted or reacted to; `action` is the action message that says so. */
  change: [{ change: Change; target: Message; action: Message; by: string }];
}

export interface DomainContext {
  store: Store;
  emit<K extends keyof BackendEvents>(event: K, ...args: BackendEvents[K]): void;
}

/** Every result of a bulk call, per uid: `{success:true}` or `{success:false, error}` [S: the add-members example]. */
export type PerUid = Record<string, { success: boolean; message?: string; data?: unknown; error?: { code: string; message: string } }>;
