// What every routes module gets: the domain API and the callback links (for the outbox's callbackId).
import type { Backend } from '../backend/index.js';
import type { CallbackLinks } from '../callback-links.js';
import type { Router } from '../http/router.js';

export interface RouteDeps {
  backend: Backend;
  links: CallbackLinks;
}

export type RoutesModule = (router: Router, deps: RouteDeps) => void;

/** The `{success, message}` answer of deletes and marks. */
export const done = (message: string) => ({ data: { success: true, message } });
