// One-line summaries and usage terms of the commands: the top-level help lists every command from
// here without building the ones that are not being run (start-up time).

export const SUMMARY = {
  init: "create (or reuse) the bot's user and bot registration in CometChat and save a profile",
  say: 'send a message as the bot (text from arguments or stdin)',
  listen: 'run the callback server behind Basic Auth, expose it with ngrok and capture every payload',
  captures: 'inspect, type, replay and export the payloads listen captured',
  emulate: 'run a local CometChat stand-in: REST API, bot relay with Basic Auth, and a chat prompt',
  demo: 'the whole loop offline: emulator → init → listen → a user message → capture → schema → replies',
  test: 'run conversation tests (*.convo.yaml) against your bot through the emulator, or on a real app with --live; pretty, JUnit, TAP or JSON reports',
  trigger: 'POST a synthetic callback, shaped as CometChat sends it, to listen or your bot',
  dev: 'run your bot, restart it on save, and chat with it through the emulator (or the real CometChat via the tunnel)',
  new: 'write a small, correct bot (Node, TypeScript or Python) with its tests and CI into a new folder',
} as const;

/** How each command appears in the top-level command list. */
export const USAGE_TERM: Record<keyof typeof SUMMARY, string> = {
  init: 'init [options]',
  say: 'say [options] [text...]',
  listen: 'listen [options]',
  captures: 'captures [command]',
  emulate: 'emulate [options]',
  demo: 'demo [options]',
  test: 'test [options] [paths...] [-- COMMAND]',
  trigger: 'trigger [options] [kind]',
  dev: 'dev [options] -- COMMAND [ARG...]',
  new: 'new [options] [dir]',
};
