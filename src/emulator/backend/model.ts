// What the emulated app holds, as plain records. The rules live in the domain modules beside this one.

export type Json = Record<string, unknown>;
export type Scope = 'admin' | 'moderator' | 'participant';
export type GroupType = 'public' | 'private' | 'password';
export type { GroupChatSetting } from '../../core/group-chat-setting.js';
import type { GroupChatSetting } from '../../core/group-chat-setting.js';
export type ReceiverType = 'user' | 'group';

export interface User {
  uid: string;
  name: string;
  avatar?: string;
  link?: string;
  role: string;
  statusMessage?: string;
  metadata?: Json;
  tags?: string[];
  status: 'available' | 'offline';
  createdAt: number;
  updatedAt?: number;
  deactivatedAt?: number;
}

export interface Bot {
  uid: string;
  webhookURL?: string;
  enabled: boolean;
  groupChatSetting: GroupChatSetting;
  useBasicAuth: boolean;
  username?: string;
  password?: string;
  createdAt: number;
  updatedAt?: number;
}

export interface Member {
  uid: string;
  scope: Scope;
  joinedAt: number;
}

export interface Group {
  guid: string;
  name: string;
  type: GroupType;
  password?: string;
  icon?: string;
  description?: string;
  metadata?: Json;
  tags?: string[];
  owner?: string;
  createdAt: number;
  updatedAt?: number;
  members: Map<string, Member>;
  /** uid → banned at (unix s). */
  banned: Map<string, number>;
}

export interface Reaction {
  id: string;
  reaction: string;
  uid: string;
  reactedAt: number;
}

export interface Message {
  id: string;
  muid?: string;
  conversationId: string;
  sender: string;
  receiver: string;
  receiverType: ReceiverType;
  category: string;
  type: string;
  data: Json;
  parentId?: string;
  tags?: string[];
  sentAt: number;
  updatedAt: number;
  editedAt?: number;
  editedBy?: string;
  deletedAt?: number;
  deletedBy?: string;
  reactions: Reaction[];
  /** uid → interacted element ids (interactive messages). */
  interactions?: Record<string, { elementId: string; interactedAt: number }[]>;
  replyCount?: number;
  /** Emulator bookkeeping, not CometChat's: who sent it through which route. */
  via: 'bot' | 'user' | 'system';
}

export interface AuthToken {
  uid: string;
  authToken: string;
  createdAt: number;
  platform?: string;
  userAgent?: string;
  appInfo?: Json;
  updatedAt?: number;
}

export interface Role {
  role: string;
  name: string;
  description?: string;
  metadata?: Json;
  settings?: Json;
  createdAt: number;
  updatedAt?: number;
  /** feature key → restricted at. */
  restricted: Map<string, number>;
}

/** One user's view of one conversation: read and delivered marks, a reset, tags. */
export interface ConversationMark {
  readUpTo?: string;
  deliveredUpTo?: string;
  /** Messages up to this id are hidden for this user (a conversation reset or delete). */
  clearedUpTo?: string;
  tags?: string[];
}

export interface DeliveryAttempt {
  at: string;
  status?: number;
  error?: string;
  ms: number;
}

export interface Delivery {
  id: number;
  messageId: string;
  bot: string;
  url: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: DeliveryAttempt[];
  /** Set on a redelivery: the delivery whose callback was sent again. */
  redeliveryOf?: number;
}

export interface Fault {
  /** Only requests whose "METHOD /path" contains this string (default: every request). */
  match?: string;
  status: number;
  code: string;
  retryAfter?: number;
  /** How many requests to fail before the fault is used up. */
  times: number;
}
