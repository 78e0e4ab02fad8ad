// A conversation file's names on a real app (`test --live`): users get a prefix on the wire (alice →
// cbt-alice), kept and reused across runs; groups are made per run (support → cbt-<run id>-support);
// the bot is the app's own. Reports keep the file's names, so every name maps back.
import type { ConvoFile } from '../../core/convo/model.js';
import { SEED_GROUP, SEED_USERS } from '../../core/convo/model.js';

export class LiveNames {
  /** The file's name of each wire name given out (CometChat keeps uids lower-case; the file may not). */
  private readonly users = new Map<string, string>();
  private readonly groups = new Map<string, string>();

  constructor(
    readonly prefix: string,
    readonly runId: string,
    readonly bot: string,
  ) {}

  user(uid: string): string {
    if (uid.toLowerCase() === this.bot.toLowerCase()) return this.bot;
    const wire = `${this.prefix}${uid}`.toLowerCase();
    this.users.set(wire, uid);
    return wire;
  }

  group(guid: string): string {
    const wire = `${this.prefix}${this.runId}-${guid}`.toLowerCase();
    this.groups.set(wire, guid);
    return wire;
  }

  /** A uid or guid seen on the wire, as the file names it (a name this run did not give out is kept). */
  fileUser(wire: string): string {
    return this.users.get(wire.toLowerCase()) ?? wire;
  }

  fileGroup(wire: string): string {
    return this.groups.get(wire.toLowerCase()) ?? wire;
  }

  /** `<@uid:alice>` → `<@uid:cbt-alice>` in a text (the bot's own mention is unchanged). */
  mentions(text: string): string {
    return text.replace(/<@uid:([^>]+)>/g, (_, uid: string) => `<@uid:${this.user(uid)}>`);
  }
}

export interface LiveGroup {
  guid: string;
  name: string;
  members: string[];
  bot: boolean;
}

/** Every user a run speaks as, mentions or puts in a group, with the name the file gives (else the uid). */
export function usersOf(files: readonly ConvoFile[], groups: readonly LiveGroup[]): Map<string, string> {
  const users = new Map<string, string>();
  const bot = files[0]?.bot.toLowerCase();
  const add = (uid: string) => {
    if (uid.toLowerCase() !== bot && !users.has(uid)) users.set(uid, uid);
  };
  for (const file of files) {
    for (const c of file.tests) {
      if (c.skip) continue;
      add(c.as);
      for (const step of c.steps) {
        if (step.kind !== 'user') continue;
        add(step.as);
        step.mention.forEach(add);
      }
    }
  }
  for (const g of groups) g.members.forEach(add);
  for (const file of files) for (const u of file.users) if (users.has(u.uid)) users.set(u.uid, u.name);
  return users;
}

/** The groups the run's cases use: the files' own, and the seed group `team` when a case uses it undefined. */
export function groupsOf(files: readonly ConvoFile[]): LiveGroup[] {
  const groups = new Map<string, LiveGroup>();
  for (const file of files) for (const g of file.groups) if (!groups.has(g.guid)) groups.set(g.guid, { guid: g.guid, name: g.name, members: [...g.members], bot: g.bot });
  const usesTeam = files.some((f) => f.tests.some((c) => !c.skip && c.steps.some((s) => s.kind === 'user' && s.group === SEED_GROUP)));
  if (usesTeam && !groups.has(SEED_GROUP)) groups.set(SEED_GROUP, { guid: SEED_GROUP, name: 'Team', members: [...SEED_USERS], bot: true });
  // Only groups a case sends to are made.
  const used = new Set(files.flatMap((f) => f.tests.filter((c) => !c.skip).flatMap((c) => c.steps.flatMap((s) => (s.kind === 'user' && s.group ? [s.group] : [])))));
  return [...groups.values()].filter((g) => used.has(g.guid));
}
