"""{{uid}}: a CometChat custom bot in one file, Python's standard library only (http.server + urllib).

CometChat POSTs a JSON callback here for every message relayed to the bot. The bot checks Basic
Auth, answers 200 at once (CometChat waits about 2 s), then replies through the Send Bot Message
API, in the thread for a thread reply. Every setting comes from the environment that `cometbot
test`, `cometbot dev` and your production host give it, so the same code runs in all three.
"""
import base64
import hashlib
import hmac
import json
import os
import re
import signal
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

env = os.environ
PORT = int(env.get("PORT") or 3000)
BOT_UID = env.get("COMETCHAT_BOT_UID") or "{{uid}}"
API_KEY = env.get("COMETCHAT_API_KEY") or ""
API_URL = (env.get("COMETCHAT_API_URL") or f"https://{env.get('COMETCHAT_APP_ID')}.api-{env.get('COMETCHAT_REGION') or 'us'}.cometchat.io/v3").rstrip("/")
USERNAME = env.get("COMETCHAT_CALLBACK_USERNAME") or ""
PASSWORD = env.get("COMETCHAT_CALLBACK_PASSWORD") or ""
MAX_BODY = 1024 * 1024  # callbacks are small; a bigger body is not CometChat's
MAX_ATTEMPTS = 3  # a reply rate-limited (429) this many times is given up

if not API_KEY or (not env.get("COMETCHAT_API_URL") and not env.get("COMETCHAT_APP_ID")):
    sys.exit("error: set COMETCHAT_API_KEY and COMETCHAT_APP_ID (or COMETCHAT_API_URL); cometbot test and cometbot dev set them for you")
if not USERNAME:
    print("warning: COMETCHAT_CALLBACK_USERNAME is not set, so callbacks are not authenticated", file=sys.stderr)


def answer(text):
    """The reply to a text. Your bot's logic goes here."""
    return f"echo: {text}"


def log(line):
    print(line, flush=True)


# --- Basic Auth, compared in constant time.
EXPECTED = "Basic " + base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()


def authorized(header):
    if not USERNAME:
        return True
    digest = lambda value: hashlib.sha256(value.encode()).digest()
    return hmac.compare_digest(digest(header or ""), digest(EXPECTED))


# --- CometChat may deliver a callback again (same data.id): answer each message once.
seen = OrderedDict()
seen_lock = threading.Lock()


def first_delivery(message_id):
    with seen_lock:
        if message_id in seen:
            return False
        seen[message_id] = True
        if len(seen) > 1000:  # bounded: forget the oldest
            seen.popitem(last=False)
        return True


# The work after the ack runs here, so the callback is answered at once.
workers = ThreadPoolExecutor(max_workers=4)


class CallbackHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        if not authorized(self.headers.get("Authorization")):
            self.send_response(401)
            self.send_header("WWW-Authenticate", "Basic")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.send_response(413)
            self.send_header("Connection", "close")
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.close_connection = True
            return
        body = self.rfile.read(length)
        self.send_response(200)  # ack first, work after
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "11")
        self.end_headers()
        self.wfile.write(b'{"ok":true}')
        self.wfile.flush()
        workers.submit(handle_safely, body)

    def do_GET(self):
        self.send_response(405)
        self.send_header("Allow", "POST")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):  # one line per turn is logged by handle(), not one per request
        pass


def handle_safely(body):
    try:
        handle(body)
    except Exception as e:  # a failed turn is logged, the bot keeps serving
        print(f"error: {e}", file=sys.stderr, flush=True)


def handle(body):
    try:
        callback = json.loads(body)
    except ValueError:
        return log("ignored: the body is not JSON")
    data = callback.get("data") if isinstance(callback, dict) else None
    # The custom bot's callback carries the message in data; a message webhook in data.message.
    message = data.get("message", data) if isinstance(data, dict) else None
    if not isinstance(message, dict) or message.get("id") is None:
        return log("ignored: no message in the callback")
    if not first_delivery(str(message["id"])):
        return log(f"#{message['id']} delivered again: already answered")
    sender = message.get("sender") or (((message.get("data") or {}).get("entities") or {}).get("sender") or {}).get("entity", {}).get("uid")
    if not sender or sender == BOT_UID:
        return  # never answer ourselves
    if message.get("category") != "message" or message.get("editedAt") or message.get("deletedAt"):
        return log(f"#{message['id']} {message.get('category')}/{message.get('type')}: ignored")
    raw = (message.get("data") or {}).get("text")
    text = re.sub(r"<@uid:[^>]+>\s*", "", raw).strip() if isinstance(raw, str) else f"(a {message.get('type')} message)"
    in_group = message.get("receiverType") == "group"
    reply = {
        "receiver": message.get("receiver") if in_group else sender,
        "receiverType": "group" if in_group else "user",
        "category": "message",
        "type": "text",
        "data": {"text": answer(text)},
        "muid": str(uuid.uuid4()),  # the same on every retry, so a retried send is not a second message
    }
    started = time.monotonic()
    status = send(reply, message.get("parentId"))
    where = f" in {message.get('receiver')}" if in_group else ""
    log(f"#{message['id']} {sender}{where}: {json.dumps(text)} → {json.dumps(reply['data']['text'])} ({status}, {round((time.monotonic() - started) * 1000)} ms)")


def send(body, thread_of=None):
    """Sends as the bot: POST /bots/{uid}/messages, or for a reply in a thread POST /messages/{id}/thread
    on behalf of the bot (the bot message has no parentId). Retried after Retry-After on a 429."""
    quote = lambda value: urllib.parse.quote(str(value), safe="")
    url = f"{API_URL}/messages/{quote(thread_of)}/thread" if thread_of else f"{API_URL}/bots/{quote(BOT_UID)}/messages"
    payload = json.dumps(body).encode()
    headers = {"apikey": API_KEY, "Content-Type": "application/json", "Accept": "application/json"}
    if thread_of:
        headers["onBehalfOf"] = BOT_UID
    attempt = 1
    while True:
        request = urllib.request.Request(url, data=payload, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as e:
            if e.code == 429 and attempt < MAX_ATTEMPTS:
                try:
                    wait = min(float(e.headers.get("Retry-After") or 1), 30)
                except ValueError:
                    wait = 1
                log(f"rate limited: retrying in {wait:g} s")
                time.sleep(wait)
                attempt += 1
                continue
            print(f"send failed: {e.code} {e.read()[:200].decode(errors='replace')}", file=sys.stderr, flush=True)
            return e.code


def main():
    server = ThreadingHTTPServer(("", PORT), CallbackHandler)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    log(f"{BOT_UID} listening on port {PORT}, replying through {API_URL}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        workers.shutdown(wait=False)


if __name__ == "__main__":
    main()
