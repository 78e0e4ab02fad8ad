// The one builder of a Basic Auth header value (RFC 7617): every signed request and check uses it.
export interface Credentials {
  username: string;
  password: string;
}

export function basicAuthHeader(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}

/** "user:pass" (the --auth flag) → credentials; the password may itself hold colons. */
export function parseUserPass(value: string): Credentials | undefined {
  const at = value.indexOf(':');
  if (at <= 0) return undefined;
  return { username: value.slice(0, at), password: value.slice(at + 1) };
}
