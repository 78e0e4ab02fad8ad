// Whether something accepts connections at a URL: a bot must, before the first case, or the run says so at once.
import { connect } from 'node:net';
import { CliError } from '../errors.js';

/** The bot must accept connections before the first case: say so at once rather than fail every case. */
export async function assertReachable(url: URL): Promise<void> {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const error = await new Promise<string | undefined>((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(2_000, () => {
      socket.destroy();
      resolve('no answer within 2 s');
    });
    socket.once('connect', () => {
      socket.end();
      resolve(undefined);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
  if (error) {
    throw new CliError(`cannot reach the bot at ${url.href} (${error})`, `start your bot first (with COMETCHAT_API_URL pointing at this run's emulator), or check --bot-url`);
  }
}
