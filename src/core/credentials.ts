// Generated callback credentials: alphanumeric (CometChat), <= 50 (CometChat), password >= 8 (ngrok edge).
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `randomBytes` is injected so core stays free of node:crypto and tests stay deterministic. */
export function randomAlphanumeric(length: number, randomBytes: (n: number) => Uint8Array): string {
  let out = '';
  // Rejection sampling: 62 does not divide 256, so drop bytes >= 248 to keep the distribution flat.
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export interface CallbackCredentials {
  username: string;
  password: string;
}

export function generateCredentials(randomBytes: (n: number) => Uint8Array): CallbackCredentials {
  return { username: `cometbot${randomAlphanumeric(6, randomBytes)}`, password: randomAlphanumeric(32, randomBytes) };
}
