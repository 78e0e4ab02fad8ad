// The environment a bot cometbot starts is told (DESIGN.md, "Running a bot's own process"): the app,
// the REST base, its uid and the callback credentials. One builder for `test` and `dev`.
export interface BotEnvInput {
  appId: string;
  region: string;
  apiKey: string;
  apiUrl: string;
  botUid?: string;
  credentials?: { username: string; password: string } | null;
}

export function botEnvironment(o: BotEnvInput): Record<string, string | undefined> {
  return {
    COMETCHAT_APP_ID: o.appId,
    COMETCHAT_REGION: o.region,
    COMETCHAT_API_KEY: o.apiKey,
    COMETCHAT_API_URL: o.apiUrl,
    COMETCHAT_BOT_UID: o.botUid,
    COMETCHAT_CALLBACK_USERNAME: o.credentials?.username,
    COMETCHAT_CALLBACK_PASSWORD: o.credentials?.password,
  };
}
