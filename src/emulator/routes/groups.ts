// Groups, members (add per uid and scope, list, scope, kick) and banned users.
import type { GroupType, Scope } from '../backend/model.js';
import { Body } from '../http/input.js';
import { paginate } from '../http/paging.js';
import { groupView, memberView, messageView, userView } from '../views.js';
import { done, type RoutesModule } from './deps.js';

const GROUP_TYPES: readonly GroupType[] = ['public', 'private', 'password'];
const SCOPES: readonly Scope[] = ['admin', 'moderator', 'participant'];

const groupFields = (body: Body) => ({
  password: body.string('password', 100),
  icon: body.string('icon'),
  description: body.string('description'),
  metadata: body.object('metadata'),
  owner: body.string('owner', 100),
  tags: body.strings('tags'),
});

const membersInput = (body: Body) => ({ admins: body.strings('admins'), moderators: body.strings('moderators'), participants: body.strings('participants'), usersToBan: body.strings('usersToBan') });

/** Per-uid results with any action message shown as CometChat shows messages. */
const shownResults = (results: Record<string, Record<string, { success: boolean; data?: unknown }>>) =>
  Object.fromEntries(Object.entries(results).map(([field, byUid]) => [field, Object.fromEntries(Object.entries(byUid).map(([uid, r]) => [uid, r.data ? { ...r, data: messageView(r.data as never) } : r]))]));

export const groupRoutes: RoutesModule = (r, { backend }) => {
  const { groups } = backend;
  r.on('POST', '/groups', ({ body, onBehalfOf }) => {
    const members = body.object('members');
    const { group, members: added } = groups.create(
      { guid: body.requiredString('guid', 100), name: body.requiredString('name', 100), type: body.oneOf('type', GROUP_TYPES) ?? 'public', ...groupFields(body), ...(members ? { members: membersInput(new Body(members)) } : {}) },
      onBehalfOf,
    );
    return { data: { ...groupView(group, onBehalfOf ?? group.owner), ...(added ? { members: shownResults(added) } : {}) } };
  });
  r.on('GET', '/groups', ({ query, onBehalfOf }) => {
    const types = [...(query.list('types') ?? []), ...(query.string('type') ? [query.string('type')!] : [])];
    const list = groups.list({
      searchKey: query.string('searchKey'),
      searchIn: query.list('searchIn'),
      sortBy: query.oneOf('sortBy', ['name', 'guid', 'createdAt']),
      sortOrder: query.oneOf('sortOrder', ['asc', 'desc']),
      tags: query.list('tags'),
      types,
      hasJoined: query.boolean('hasJoined'),
      updatedAt: query.int('updatedAt'),
      viewer: onBehalfOf,
    });
    const page = paginate(list, query);
    // The OpenAPI's example for this list is malformed (objects keyed "0"); its schema says a list, as every client reads it.
    return { data: page.data.map((g) => groupView(g, onBehalfOf)), meta: page.meta };
  });
  r.on('GET', '/groups/{guid}', ({ params, onBehalfOf }) => ({ data: groupView(groups.get(params.guid!), onBehalfOf) }));
  r.on('PUT', '/groups/{guid}', ({ params, body, onBehalfOf }) => ({
    data: groupView(groups.update(params.guid!, { name: body.string('name', 100), type: body.oneOf('type', GROUP_TYPES), ...groupFields(body) }, body.strings('unset') ?? []), onBehalfOf),
  }));
  r.on('DELETE', '/groups/{guid}', ({ params }) => {
    groups.remove(params.guid!);
    return done(`Group with guid ${params.guid} has been deleted successfully.`);
  });

  // Members
  r.on('POST', '/groups/{guid}/members', ({ params, body, onBehalfOf }) => {
    const input = membersInput(body);
    if (!input.admins && !input.moderators && !input.participants && !input.usersToBan) body.requiredStrings('participants');
    return { data: shownResults(groups.addMembers(params.guid!, input, onBehalfOf)) };
  });
  r.on('GET', '/groups/{guid}/members', ({ params, query, onBehalfOf }) => {
    const scopes = [...(query.list('scopes') ?? []), ...(query.string('scope') ? [query.string('scope')!] : [])];
    const page = paginate(groups.members(params.guid!, { scopes, status: query.oneOf('status', ['available', 'offline']) }), query);
    // The OpenAPI's schema says an object; its example (and every client) a list of members: the example wins.
    return { data: page.data.map((m) => memberView(backend.users.find(m.uid), m, onBehalfOf)), meta: page.meta };
  });
  r.on('PUT', '/groups/{guid}/members/{uid}', ({ params, body, onBehalfOf }) => {
    const scope = body.oneOf('scope', SCOPES) ?? body.requiredString('scope');
    const member = groups.changeScope(params.guid!, params.uid!, scope as Scope, onBehalfOf);
    return { data: { guid: groups.get(params.guid!).guid, uid: member.uid, scope: member.scope, joinedAt: member.joinedAt } };
  });
  r.on('DELETE', '/groups/{guid}/members/{uid}', ({ params, onBehalfOf }) => {
    groups.kick(params.guid!, params.uid!, onBehalfOf);
    return done(`The member with ${params.uid} has been kicked from the Group with ${params.guid}.`);
  });

  // Banned users
  r.on('POST', '/groups/{guid}/bannedusers/{uid}', ({ params, onBehalfOf }) => {
    groups.ban(params.guid!, params.uid!, onBehalfOf);
    return done(`The user with uid ${params.uid} has been banned from the Group with ${params.guid}.`);
  });
  r.on('DELETE', '/groups/{guid}/bannedusers/{uid}', ({ params, onBehalfOf }) => {
    groups.unban(params.guid!, params.uid!, onBehalfOf);
    return done(`The user with uid ${params.uid} has been unbanned from the Group with ${params.guid}.`);
  });
  r.on('GET', '/groups/{guid}/bannedusers', ({ params, query }) => {
    const page = paginate(groups.banned(params.guid!), query);
    // As with members: the example's list, not the schema's object.
    return { data: page.data.flatMap(({ uid, at }) => {
      const user = backend.users.find(uid);
      return user ? [{ ...userView(user), bannedAt: at }] : [];
    }), meta: page.meta };
  });
};
