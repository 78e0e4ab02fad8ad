// /bots management (not in the OpenAPI: shaped as CometChat's bots docs describe it).
import { Bots } from '../backend/bots.js';
import { botView } from '../views.js';
import { done, type RoutesModule } from './deps.js';

export const botRoutes: RoutesModule = (r, { backend: { bots } }) => {
  r.on('GET', '/bots', () => ({ data: bots.list().map(botView) }), 'list-bots');
  r.on('GET', '/bots/{uid}', ({ params }) => ({ data: botView(bots.get(params.uid!)) }), 'get-bot');
  r.on('POST', '/bots', ({ body }) => ({ data: botView(bots.create(body.requiredString('uid', 100), Bots.fields(body.raw))) }), 'create-bot');
  r.on('PUT', '/bots/{uid}', ({ params, body }) => ({ data: botView(bots.update(params.uid!, Bots.fields(body.raw))) }), 'update-bot');
  r.on('DELETE', '/bots/{uid}', ({ params }) => {
    bots.remove(params.uid!);
    return done(`Bot ${params.uid} has been deleted successfully.`);
  }, 'delete-bot');
};

