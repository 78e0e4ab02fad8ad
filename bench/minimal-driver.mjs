// The floor for the test bench: a REST stub that accepts the bot's replies, and N callbacks sent one
// after another, each waiting for the bot's reply. No checks, no state, no reports.
import { createServer } from 'node:http';

const [botUrl, port, turns] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
let onReply;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"id":"1"}}');
    onReply?.();
  });
});
await new Promise((r) => server.listen(port, '127.0.0.1', r));
const times = [];
for (let i = 0; i < turns; i++) {
  const started = performance.now();
  const replied = new Promise((r) => (onReply = r));
  const body = JSON.stringify({ trigger: 'after_message', bot: 'echo-bot', data: { id: String(i + 1), sender: 'alice', receiver: 'echo-bot', receiverType: 'user', category: 'message', type: 'text', data: { text: `hello ${i}` } } });
  const res = await fetch(botUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await res.arrayBuffer();
  await replied;
  times.push(performance.now() - started);
}
server.close();
process.stdout.write(JSON.stringify({ turns: times }));
