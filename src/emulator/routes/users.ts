// Users, auth tokens, friends and blocked users.
import { userView } from '../views.js';
import { paginate } from '../http/paging.js';
import type { Body } from '../http/input.js';
import { done, type RoutesModule } from './deps.js';

const userFields = (body: Body) => ({
  avatar: body.string('avatar'),
  link: body.string('link'),
  role: body.string('role', 100),
  statusMessage: body.string('statusMessage'),
  metadata: body.object('metadata'),
  tags: body.strings('tags'),
});

export const userRoutes: RoutesModule = (r, { backend }) => {
  const { users } = backend;
  r.on('POST', '/users', ({ body }) => {
    const user = users.create({ uid: body.requiredString('uid', 100), name: body.requiredString('name', 100), ...userFields(body) });
    const token = body.boolean('withAuthToken') ? users.createToken(user.uid, true) : undefined;
    return { data: { ...userView(user), ...(token ? { authToken: token.authToken } : {}) } };
  });
  r.on('GET', '/users', ({ query, onBehalfOf }) => {
    const list = users.list({
      searchKey: query.string('searchKey'),
      searchIn: query.list('searchIn') as ('name' | 'uid')[] | undefined,
      status: query.oneOf('status', ['available', 'offline']),
      role: query.string('role'),
      roles: query.list('roles'),
      tags: query.list('tags'),
      onlyDeactivated: query.boolean('onlyDeactivated'),
      withDeactivated: query.boolean('withDeactivated'),
    });
    const page = paginate(list, query);
    const withTags = query.boolean('withTags');
    return { data: page.data.map((u) => {
      const { tags, ...rest } = userView(u, onBehalfOf);
      return withTags === false ? rest : { ...rest, ...(tags ? { tags } : {}) };
    }), meta: page.meta };
  });
  r.on('PUT', '/users', ({ body }) => ({ data: { nonDeactivatedUids: users.reactivate(body.requiredStrings('uidsToActivate')) } }));
  r.on('DELETE', '/users', ({ body }) => ({ data: { deactivatedUids: users.deactivate(body.requiredStrings('uidsToDeactivate')) } }));
  r.on('GET', '/users/{uid}', ({ params, onBehalfOf }) => ({ data: userView(users.get(params.uid!), onBehalfOf) }));
  r.on('PUT', '/users/{uid}', ({ params, body }) => {
    const unset = body.strings('unset') ?? [];
    return { data: userView(users.update(params.uid!, { name: body.string('name', 100), ...userFields(body) }, unset)) };
  });
  r.on('DELETE', '/users/{uid}', ({ params, body }) => {
    users.remove(params.uid!, body.boolean('permanent') === true);
    return done(`User with ${params.uid} has been deleted successfully.`);
  });

  // Auth tokens
  r.on('POST', '/users/{uid}/auth_tokens', ({ params, body }) => {
    const { uid, authToken, createdAt } = users.createToken(params.uid!, body.boolean('force') === true);
    return { data: { uid, authToken, createdAt } };
  });
  r.on('GET', '/users/{uid}/auth_tokens', ({ params, query }) => paginate(users.tokens(params.uid!), query));
  r.on('DELETE', '/users/{uid}/auth_tokens', ({ params }) => {
    users.flushTokens(params.uid!);
    return done(`Cleared Auth Tokens successfully for uid ${params.uid}.`);
  });
  r.on('GET', '/users/{uid}/auth_tokens/{authToken}', ({ params }) => ({ data: users.token(params.uid!, params.authToken!) }));
  r.on('PUT', '/users/{uid}/auth_tokens/{authToken}', ({ params, body }) => ({
    data: users.updateToken(params.uid!, params.authToken!, { platform: body.string('platform'), userAgent: body.string('userAgent'), appInfo: body.object('appInfo') }),
  }));
  r.on('DELETE', '/users/{uid}/auth_tokens/{authToken}', ({ params }) => {
    users.deleteToken(params.uid!, params.authToken!);
    return done(`The auth token has been deleted successfully for uid ${params.uid}.`);
  });

  // Friends
  r.on('POST', '/users/{uid}/friends', ({ params, body }) => ({ data: { accepted: users.addFriends(params.uid!, body.requiredStrings('accepted')) } }));
  r.on('GET', '/users/{uid}/friends', ({ params, query }) => {
    const page = paginate(users.friends(params.uid!, query.string('searchKey')), query);
    return { data: page.data.map((u) => userView(u, params.uid!.toLowerCase())), meta: page.meta };
  });
  r.on('DELETE', '/users/{uid}/friends', ({ params, body }) => {
    users.removeFriends(params.uid!, body.requiredStrings('friends'));
    return done('Deleted the friend relations successfully');
  });

  // Blocked users
  r.on('POST', '/users/{uid}/blockedusers', ({ params, body }) => ({ data: users.block(params.uid!, body.requiredStrings('blockedUids')) }));
  r.on('DELETE', '/users/{uid}/blockedusers', ({ params, body }) => ({ data: users.unblock(params.uid!, body.requiredStrings('blockedUids')) }));
  r.on('GET', '/users/{uid}/blockedusers', ({ params, query }) => {
    const page = paginate(users.blocked(params.uid!), query);
    const me = params.uid!.toLowerCase();
    return { data: page.data.map(({ user, at }) => ({ ...userView(user, me), blockedByMe: true, blockedByMeAt: at, blockedAt: at })), meta: page.meta };
  });
};
