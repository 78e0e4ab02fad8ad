// Roles and restricted features.
import { RESTRICTABLE_FEATURES } from '../backend/facts.js';
import { roleView } from '../views.js';
import { paginate } from '../http/paging.js';
import { done, type RoutesModule } from './deps.js';

export const roleRoutes: RoutesModule = (r, { backend: { roles } }) => {
  r.on('POST', '/roles', ({ body }) => ({
    data: roleView(roles.create({ role: body.requiredString('role', 100), name: body.requiredString('name', 100), description: body.string('description'), metadata: body.object('metadata'), settings: body.object('settings') })),
  }));
  r.on('GET', '/roles', ({ query }) => {
    const page = paginate(roles.list(), query);
    return { data: page.data.map(roleView), meta: page.meta };
  });
  r.on('GET', '/roles/{role}', ({ params }) => ({ data: roleView(roles.get(params.role!)) }));
  r.on('PUT', '/roles/{role}', ({ params, body }) => ({
    data: roleView(roles.update(params.role!, { name: body.string('name', 100), description: body.string('description'), metadata: body.object('metadata'), settings: body.object('settings') }, body.strings('unset') ?? [])),
  }));
  r.on('DELETE', '/roles/{role}', ({ params }) => {
    roles.remove(params.role!);
    return done(`Role ${params.role} has been deleted successfully.`);
  });
  r.on('POST', '/roles/{role}/restrictedfeatures', ({ params, body }) => ({ data: roles.restrict(params.role!, body.requiredStrings('featuresToRestrict')) }));
  r.on('GET', '/roles/{role}/restrictedfeatures', ({ params, query }) => {
    const page = paginate(roles.restricted(params.role!), query);
    return { data: page.data.map(({ key, createdAt }) => ({ ...RESTRICTABLE_FEATURES[key]!, key, createdAt })), meta: page.meta };
  });
  r.on('DELETE', '/roles/{role}/restrictedfeatures', ({ params, body }) => {
    roles.allow(params.role!, body.strings('featuresToAllow') ?? [], body.boolean('allowAll') === true);
    return done('The feature has been allowed successfully.');
  });
};
