// Reference servers for the listen benchmark, run as child processes: `node bench/servers.mjs bare|logger PORT FILE`.
import { createServer } from 'node:http';
import { appendFileSync } from 'node:fs';

const [kind, port, file] = process.argv.slice(2);
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (kind === 'logger') {
      // What CometChat's docs ask a developer to write: parse, log one line durably, answer.
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      appendFileSync(file, `${JSON.stringify({ receivedAt: new Date().toISOString(), headers: req.headers, body })}\n`);
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
});
// Port 0: the system picks a free one, printed for the benchmark to read.
server.listen(Number(port), '127.0.0.1', () => process.stdout.write(`ready ${server.address().port}\n`));
