import { Emulator, type EmulatorOptions } from '../../src/emulator/server.js';

export const TEST_KEY = 'test-rest-api-key-1234567890';

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return new Emulator({ apiKey: TEST_KEY, appId: 'testapp', region: 'eu', ...options }).start();
}

/** "METHOD /path" of every request the emulator saw, for exact assertions (no unexpected calls). */
export function calls(emulator: Emulator): string[] {
  return emulator.requests.map((r) => `${r.method} ${r.path.replace(/^\/v3/, '')}`);
}
