// The next step to suggest for CometChat error codes a bot developer meets most.
const HINTS: Record<string, string> = {
  AUTH_ERR_APIKEY_NOT_FOUND: 'check the REST API key (Dashboard → API & Auth Keys) and the app id; set COMETCHAT_API_KEY or re-run cometbot init',
  AUTH_ERR_NO_ACCESS: 'use the REST API Key with fullAccess scope, not the Auth Key',
  AUTH_ERR_EMPTY_APIKEY: 'set COMETCHAT_API_KEY or re-run cometbot init',
  ERR_TOO_MANY_REQUESTS: 'CometChat is rate limiting this app; wait a minute and try again',
  ERR_UID_NOT_FOUND: 'no such user: check the uid (users are created in the dashboard or with POST /users; cometbot init creates only the bot\'s own user)',
  ERR_BOT_NOT_FOUND: 'run cometbot init to register the bot, or check --profile',
  ERR_GUID_NOT_FOUND: 'check the group id; list groups in the dashboard',
  ERR_NOT_A_MEMBER: 'add the bot user to the group first (Dashboard → Groups → Members)',
  ERR_GROUP_NOT_JOINED: 'add the bot user to the group first (Dashboard → Groups → Members)',
  ERR_EMPTY_MESSAGE_TEXT: 'pass the text as arguments or on stdin',
  ERR_BAD_REQUEST: 'check the values passed; run with COMETBOT_DEBUG=1 for details',
};

export function hintFor(code: string): string {
  return HINTS[code] ?? 'see https://www.cometchat.com/docs/articles/error-guide for this code';
}
