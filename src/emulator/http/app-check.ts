// CometChat's checks before any route: which app a call is for and whether its key is right.
import type { IncomingHttpHeaders } from 'node:http';
import { fail } from '../backend/errors.js';

export interface AppCheckOptions {
  appId: string;
  apiKey: string;
  /** Accept any non-empty apikey (a test run where nothing names the key the bot uses). */
  anyApiKey?: boolean;
  /** Refuse calls to CometChat's hosts for another app id (when the app id was named, not defaulted). */
  strictAppId?: boolean;
}

/**
 * For calls to the base URL (COMETCHAT_API_URL) and for calls a bot made to CometChat's own hosts
 * (routed here, the host in x-forwarded-host): the documented {appId}.api-{region}.cometchat.io with
 * `apikey`, or the older api-{region}.cometchat.io with `appId` and `apiKey` headers. Header names and
 * the region are case-insensitive, as HTTP has them. Returns the CometChat host the bot called, if any.
 */
export function checkApp(headers: IncomingHttpHeaders, o: AppCheckOptions): string | undefined {
  const forwarded = headerText(headers['x-forwarded-host']);
  if (forwarded) {
    const host = parseCometChatHost(forwarded) ?? fail(404, 'ERR_ROUTE_NOT_FOUND', `${forwarded} is not a CometChat API host (expected {appId}.api-{region}.cometchat.io).`);
    const appId = host.appId ?? headerText(headers.appid) ?? fail(401, 'AUTH_ERR_EMPTY_APPID', 'The appId header is empty: with the api-{region}.cometchat.io URL, send appId and apiKey headers.');
    if (o.strictAppId && appId.toLowerCase() !== o.appId.toLowerCase()) fail(401, 'AUTH_ERR_APIKEY_NOT_FOUND', `The app ${appId} does not exist here: this run emulates the app ${o.appId}.`);
  }
  const key = headerText(headers.apikey);
  if (!key) fail(401, 'AUTH_ERR_EMPTY_APIKEY', 'The apikey header is missing.');
  if (key !== o.apiKey && !o.anyApiKey) fail(401, 'AUTH_ERR_APIKEY_NOT_FOUND', 'The provided API key does not exist for this app.');
  return forwarded;
}

/** {appId}.api-{region}.cometchat.io or api-{region}.cometchat.io, in any case. */
export function parseCometChatHost(host: string): { appId?: string; region: string } | undefined {
  const m = /^(?:([a-z0-9-]+)\.)?api-([a-z]+)\.cometchat\.io\.?$/i.exec(host.trim().replace(/:\d+$/, ''));
  return m ? { ...(m[1] ? { appId: m[1] } : {}), region: m[2]!.toLowerCase() } : undefined;
}

export function headerText(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v && v.trim() ? v.trim() : undefined;
}
