// Behaviours the OpenAPI does not settle, decided once here ([I] = our inference, [T] = third-party
// code that says it was checked against the live service). One live call can settle each; change it here.

/** The sender of a `POST /messages` without onBehalfOf [T: CometChat's QA code]. */
export const SYSTEM_SENDER = 'app_system';

/** A duplicate uid: the code is known [T]; the status is not (400 or 409) [I: 409, as clients see it today]. */
export const DUPLICATE_UID_STATUS = 409;

/** A duplicate guid: 400 ERR_GUID_ALREADY_EXISTS [T: CometChat's QA code]. */
export const DUPLICATE_GUID_STATUS = 400;

/** History kept per conversation: the newest N messages (older ones are forgotten, as a bounded log). */
export const HISTORY_PER_CONVERSATION = 1_000;

/** Default and largest page sizes: `perPage` defaults to 100 [S]; `limit` on message lists defaults to 10 [S], at most 100 [I]. */
export const DEFAULT_PER_PAGE = 100;
export const MAX_PER_PAGE = 1_000;
export const DEFAULT_MESSAGE_LIMIT = 10;
export const MAX_MESSAGE_LIMIT = 100;

/**
 * Reactions reach a bot that can see the message as an action message (`data.action` reactionAdded /
 * reactionRemoved, `entities.on` the message) [I]: no public sample shows how CometChat relays them.
 */
export const RELAY_REACTIONS = true;

/** A bot may message a thread only through POST /messages/{id}/thread; a parentId in /bots/{uid}/messages is ignored and flagged [I]. */
export const BOT_PARENT_ID_WARNING = 'parentId is not a field of Send Bot Message: the message was not put in a thread (use POST /messages/{id}/thread with onBehalfOf)';

/** The features a role can restrict, as the OpenAPI's example names them [S, partial]. */
export const RESTRICTABLE_FEATURES: Record<string, { title: string; description: string; path: string }> = {
  'u.listUsers': { title: 'List Users', description: 'Allows logged-in user to fetch the user list.', path: '/v3/users' },
  'u.deleteGroup': { title: 'Delete Group', description: 'Allows logged-in user to delete a group.', path: '/v3/groups/{{guid}}' },
  'u.createGroup': { title: 'Create Group', description: 'Allows logged-in user to create a group.', path: '/v3/groups' },
  'u.sendMessage': { title: 'Send Message', description: 'Allows logged-in user to send a message.', path: '/v3/messages' },
  'u.listGroups': { title: 'List Groups', description: 'Allows logged-in user to fetch the group list.', path: '/v3/groups' },
};
