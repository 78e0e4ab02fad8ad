// The app a test run's emulator plays, in order: the conversation file's `app`, the flags, the
// environment, the profile (for dev), else the emulator's defaults (DESIGN.md, "Running a bot's own process").
import type { ConvoFile } from '../core/convo/model.js';
import { DEFAULT_EMULATOR_KEY } from '../core/emulator-defaults.js';
import { UsageError } from '../errors.js';

export interface EmulatedApp {
  appId: string;
  region: string;
  apiKey: string;
  /** No key was named anywhere: any non-empty key is accepted. */
  anyApiKey: boolean;
  /** The app id was named: calls for another app are refused. */
  named: boolean;
}

/** `profile`: `dev`'s profile, after the environment (a test run reads no profile for its app). */
export function emulatedApp(files: readonly ConvoFile[], flags: { appId?: string; region?: string; apiKey?: string }, env: { appId?: string; region?: string; apiKey?: string }, profile?: { appId?: string; region?: string }): EmulatedApp {
  const app = files.find((f) => f.app)?.app;
  const appId = app?.id ?? flags.appId ?? env.appId ?? profile?.appId;
  const region = app?.region ?? flags.region ?? env.region ?? profile?.region;
  if (region !== undefined && !['us', 'eu', 'in'].includes(region.toLowerCase())) throw new UsageError(`invalid region "${region}": expected us, eu or in`);
  const apiKey = app?.apiKey ?? flags.apiKey ?? env.apiKey;
  return { appId: appId ?? 'emulator', region: region?.toLowerCase() ?? 'us', apiKey: apiKey ?? DEFAULT_EMULATOR_KEY, anyApiKey: apiKey === undefined, named: appId !== undefined };
}
