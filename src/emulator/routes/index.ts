// Every REST route the emulator serves, by resource.
import type { Router } from '../http/router.js';
import { botRoutes } from './bots.js';
import { conversationRoutes } from './conversations.js';
import type { RouteDeps } from './deps.js';
import { groupRoutes } from './groups.js';
import { messageRoutes } from './messages.js';
import { roleRoutes } from './roles.js';
import { userRoutes } from './users.js';

export function defineRoutes(router: Router, deps: RouteDeps): Router {
  for (const routes of [userRoutes, groupRoutes, messageRoutes, conversationRoutes, roleRoutes, botRoutes]) routes(router, deps);
  return router;
}
