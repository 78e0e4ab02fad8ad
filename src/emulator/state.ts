// In-memory CometChat state for the emulator: users, bots, groups, messages, relay deliveries.
export interface User {
  uid: string;
  name: string;
  avatar?: string;
  status: 'online' | 'offline';
  role: string;
  createdAt: number;
  deactivatedAt?: number;
}

export interface Bot {
  uid: string;
  webhookURL?: string;
  enabled: boolean;
  groupChatSetting: 'allMessages' | 'slashedMessages' | 'mentionedMessages' | 'none';
  useBasicAuth: boolean;
  username?: string;
  password?: string;
  createdAt: number;
  updatedAt?: number;
}

export interface Group {
  guid: string;
  name: string;
  type: 'public' | 'private' | 'password';
  owner?: string;
  createdAt: number;
  members: Set<string>;
}

export interface Message {
  id: string;
  muid?: string;
  conversationId: string;
  sender: string;
  receiver: string;
  receiverType: 'user' | 'group';
  category: string;
  type: string;
  data: Record<string, unknown>;
  parentId?: string;
  sentAt: number;
  updatedAt: number;
  /** Emulator bookkeeping, not part of CometChat's object: who sent it through which route. */
  via: 'bot' | 'user';
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

export class EmulatorState {
  readonly users = new Map<string, User>();
  readonly bots = new Map<string, Bot>();
  readonly groups = new Map<string, Group>();
  readonly messages: Message[] = [];
  readonly deliveries: Delivery[] = [];
  faults: Fault[] = [];
  /** Switch: answer /bots management routes as if the API did not exist. */
  botsApi = true;
  private nextMessageId = 1;
  private nextDeliveryId = 1;

  constructor(private readonly nowSeconds: () => number) {}

  now(): number {
    return this.nowSeconds();
  }

  messageId(): string {
    return String(this.nextMessageId++);
  }

  deliveryId(): number {
    return this.nextDeliveryId++;
  }

  activeUser(uid: string): User | undefined {
    const user = this.users.get(uid);
    return user && user.deactivatedAt === undefined ? user : undefined;
  }

  /** Takes one use of the first fault matching this request, if any. */
  takeFault(method: string, path: string): Fault | undefined {
    const key = `${method} ${path}`;
    const fault = this.faults.find((f) => f.times > 0 && (!f.match || key.includes(f.match)));
    if (!fault) return undefined;
    fault.times -= 1;
    this.faults = this.faults.filter((f) => f.times > 0);
    return fault;
  }

  conversations(): { conversationId: string; messages: Message[] }[] {
    const byId = new Map<string, Message[]>();
    for (const m of this.messages) {
      const list = byId.get(m.conversationId) ?? [];
      list.push(m);
      byId.set(m.conversationId, list);
    }
    return [...byId].map(([conversationId, messages]) => ({ conversationId, messages }));
  }
}

export function conversationId(sender: string, receiver: string, receiverType: 'user' | 'group'): string {
  if (receiverType === 'group') return `group_${receiver}`;
  const [a, b] = [sender, receiver].sort();
  return `${a}_user_${b}`;
}
