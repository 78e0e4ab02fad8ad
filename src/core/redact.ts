// Redaction for fixtures: personal values become stable placeholders (same input → same placeholder
// across files), while the shape and enum-like values (trigger, category, type…) stay as they are.

type Category = 'uid' | 'id' | 'name' | 'url' | 'text' | 'app' | 'resource' | 'contact';

const FIELD_CATEGORY: Record<string, Category> = {
  uid: 'uid', guid: 'uid', sender: 'uid', receiver: 'uid', bot: 'uid', owner: 'uid', onBehalfOf: 'uid', createdBy: 'uid', updatedBy: 'uid',
  id: 'id', muid: 'id', parentId: 'id', messageId: 'id',
  name: 'name', title: 'name', statusMessage: 'text',
  avatar: 'url', icon: 'url', link: 'url', url: 'url', thumbnail: 'url', webhookURL: 'url',
  text: 'text', message: 'text', description: 'text', caption: 'text',
  appId: 'app',
  resource: 'resource',
  email: 'contact', phone: 'contact', contactNumber: 'contact',
};

const PLACEHOLDER: Record<Category, (n: number) => string> = {
  uid: (n) => `uid-${n}`,
  id: (n) => `${n}`,
  name: (n) => `Name ${n}`,
  url: (n) => `https://example.com/redacted-${n}.png`,
  text: (n) => `Text ${n}`,
  app: (n) => `app-${n}`,
  resource: (n) => `resource-${n}`,
  contact: (n) => `contact-${n}`,
};

export class Redactor {
  private readonly maps = new Map<Category, Map<string, string>>();
  private numbers = new Map<number, number>();

  private placeholder(category: Category, value: string): string {
    let map = this.maps.get(category);
    if (!map) this.maps.set(category, (map = new Map()));
    let out = map.get(value);
    if (out === undefined) map.set(value, (out = PLACEHOLDER[category](map.size + 1)));
    return out;
  }

  /** Returns a redacted deep copy. */
  redact(value: unknown, field?: string): unknown {
    if (Array.isArray(value)) return value.map((v) => this.redact(v, field));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      // `mentions` is keyed by the mentioned users' uids: the keys are personal too.
      const keyedByUid = field === 'mentions';
      for (const [k, v] of Object.entries(value)) out[keyedByUid ? this.placeholder('uid', k) : k] = this.redact(v, k);
      return out;
    }
    if (field === 'text' && typeof value === 'string') return this.text(value);
    if (field === 'conversationId' && typeof value === 'string') return this.conversationId(value);
    const category = field ? FIELD_CATEGORY[field] : undefined;
    if (!category) return value;
    if (typeof value === 'string') return this.placeholder(category, value);
    if (typeof value === 'number' && category === 'id') {
      if (!this.numbers.has(value)) this.numbers.set(value, this.numbers.size + 1);
      return this.numbers.get(value);
    }
    return value;
  }

  /** Texts become placeholders, but a mention of a user stays a mention (of the placeholder uid). */
  private text(value: string): string {
    const mentions = [...value.matchAll(/<@uid:([^>]+)>/g)].map((m) => `<@uid:${this.placeholder('uid', m[1]!)}>`);
    const base = this.placeholder('text', value);
    return mentions.length ? `${mentions.join(' ')} ${base}` : base;
  }

  /** `alice_user_bot` and `group_team` keep their form, with the uids inside replaced. */
  private conversationId(value: string): string {
    if (value.startsWith('group_')) return `group_${this.placeholder('uid', value.slice(6))}`;
    const parts = value.split('_user_');
    if (parts.length === 2) return parts.map((p) => this.placeholder('uid', p)).join('_user_');
    return this.placeholder('id', value);
  }
}
