// A light load generator for the listen benchmark: raw keep-alive sockets, one request in flight per
// connection, each request built from a template with its own data.id (CometChat never repeats one),
// responses read just far enough to know where each ends (Content-Length or a chunked body's last
// chunk). A full HTTP client spends more CPU per request than the servers it measures, and on a small
// machine it shares their cores: this one leaves them the CPU, so bare node:http reaches its ceiling.
// With `rate`, requests go out at that many per second (catching up after a late timer) on whichever
// connection is free, for latency at a steady load.
import { connect } from 'node:net';

/**
 * @param {{ port: number, host?: string, path: string, headers: Record<string, string>,
 *   body: (n: number) => string, connections: number, durationMs?: number, amount?: number, rate?: number }} options
 * @returns {Promise<{ requests: number, rps: number, p50: number, p99: number, non2xx: number, errors: number }>}
 *   latencies in milliseconds
 */
export function rawLoad(options) {
  const { port, host = '127.0.0.1', path, headers, body, connections, durationMs, amount, rate } = options;
  const head = `POST ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}`;
  const latencies = [];
  let sent = 0;
  let done = 0;
  let non2xx = 0;
  let errors = 0;
  let stopping = false;
  const started = process.hrtime.bigint();
  const deadline = durationMs === undefined ? undefined : Date.now() + durationMs;

  return new Promise((resolve) => {
    let open = 0;
    const finish = () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      latencies.sort((a, b) => a - b);
      const at = (q) => (latencies.length ? +(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] / 1e6).toFixed(2) : 0);
      resolve({ requests: done, rps: Math.round(done / seconds), p50: at(0.5), p99: at(0.99), non2xx, errors });
    };
    const more = () => {
      if (stopping || (amount !== undefined && sent >= amount)) return false;
      if (deadline !== undefined && Date.now() >= deadline) stopping = true;
      return !stopping;
    };

    const idle = []; // connections with nothing in flight (rate mode)
    let due = 0; // requests the schedule has asked for so far (rate mode)
    const next = (send) => {
      if (rate === undefined) send();
      else if (sent < due) send();
      else idle.push(send);
    };
    if (rate !== undefined) {
      const tick = () => {
        if (!more()) {
          for (const send of idle.splice(0)) send(); // each ends its socket
          return;
        }
        due = Math.floor((Number(process.hrtime.bigint() - started) / 1e9) * rate);
        while (sent < due && idle.length > 0) idle.shift()();
        setTimeout(tick, 1);
      };
      setTimeout(tick, 1);
    }

    for (let c = 0; c < connections; c++) {
      open++;
      const socket = connect(port, host);
      socket.setNoDelay(true);
      let buf = '';
      let sentAt = 0n;
      const send = () => {
        if (!more()) {
          socket.end();
          return;
        }
        const text = body(++sent);
        sentAt = process.hrtime.bigint();
        socket.write(`${head}Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
      };
      socket.on('connect', () => next(send));
      socket.on('data', (chunk) => {
        buf += chunk.toString('latin1');
        const headerEnd = buf.indexOf('\r\n\r\n');
        if (headerEnd === -1) return;
        const header = buf.slice(0, headerEnd);
        const length = /\r\ncontent-length: *(\d+)/i.exec(header);
        let end;
        if (length) end = headerEnd + 4 + Number(length[1]);
        else {
          const last = buf.indexOf('\r\n0\r\n\r\n', headerEnd + 2);
          end = last === -1 ? Infinity : last + 7;
        }
        if (buf.length < end) return;
        buf = buf.slice(end);
        latencies.push(Number(process.hrtime.bigint() - sentAt));
        done++;
        const status = Number(header.slice(9, 12));
        if (status < 200 || status > 299) non2xx++;
        next(send);
      });
      socket.on('error', () => errors++);
      socket.on('close', () => {
        if (--open === 0) finish();
      });
    }
  });
}
