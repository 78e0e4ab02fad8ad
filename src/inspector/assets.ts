// The inspector page: plain HTML, CSS and browser JavaScript, served from memory (works offline).
// Every payload value reaches the DOM through textContent, never innerHTML, so a payload carrying
// HTML or a <script> shows as text.

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cometbot inspector</title>
<link rel="stylesheet" href="/app.css">
</head>
<body>
<header>
  <strong>cometbot inspector</strong>
  <nav>
    <button id="tab-requests" class="tab active" type="button">Requests <span id="count">0</span></button>
    <button id="tab-schema" class="tab" type="button">Schema</button>
  </nav>
  <input id="filter" type="search" placeholder="Filter by sender, receiver, type or text" autocomplete="off">
  <span id="live" class="live" title="live updates">● live</span>
</header>
<main id="requests-view">
  <section id="list" aria-label="requests"><div id="spacer"></div><div id="rows"></div></section>
  <section id="detail" aria-label="request detail"><p class="empty">Select a request to see its payload.</p></section>
</main>
<main id="schema-view" hidden>
  <section class="schema"><h2>TypeScript</h2><pre id="schema-ts">Loading…</pre></section>
  <section class="schema"><h2>JSON Schema</h2><pre id="schema-json"></pre></section>
</main>
<script src="/app.js"></script>
</body>
</html>
`;

export const PAGE_CSS = `
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 13px/1.4 system-ui, sans-serif; color: #1f2328; background: #f6f8fa; height: 100vh; display: flex; flex-direction: column; }
header { display: flex; gap: 12px; align-items: center; padding: 8px 12px; background: #24292f; color: #fff; }
header input { flex: 1; padding: 5px 8px; border-radius: 4px; border: 0; font: inherit; }
.tab { background: none; color: #d0d7de; border: 0; padding: 4px 8px; cursor: pointer; font: inherit; border-radius: 4px; }
.tab.active { background: #57606a; color: #fff; }
.live { color: #3fb950; font-size: 12px; }
.live.off { color: #f85149; }
main { flex: 1; display: flex; min-height: 0; }
#list { width: 46%; overflow-y: auto; position: relative; background: #fff; border-right: 1px solid #d0d7de; }
#spacer { width: 1px; }
#rows { position: absolute; top: 0; left: 0; right: 0; }
.row { height: 44px; padding: 4px 10px; border-bottom: 1px solid #eaeef2; cursor: pointer; overflow: hidden; white-space: nowrap; }
.row:hover { background: #f3f4f6; }
.row.selected { background: #ddf4ff; }
.row .line1 { display: flex; gap: 8px; }
.row .time { color: #57606a; font-variant-numeric: tabular-nums; }
.row .kind { color: #8250df; }
.row .text { color: #57606a; overflow: hidden; text-overflow: ellipsis; }
.verdict { font-weight: 600; }
.verdict.accepted { color: #1a7f37; }
.verdict.rejected { color: #cf222e; }
.dup { color: #9a6700; }
#detail { flex: 1; overflow: auto; padding: 12px 16px; }
.empty { color: #57606a; }
.actions { display: flex; gap: 8px; margin: 8px 0; flex-wrap: wrap; align-items: center; }
.actions button { font: inherit; padding: 4px 10px; border: 1px solid #d0d7de; border-radius: 4px; background: #f6f8fa; cursor: pointer; }
.actions button:disabled { opacity: .5; cursor: not-allowed; }
#replay-result { color: #57606a; }
table.headers { border-collapse: collapse; margin: 8px 0; }
table.headers td { padding: 2px 8px; border-bottom: 1px solid #eaeef2; font-family: ui-monospace, monospace; font-size: 12px; vertical-align: top; }
.tree { font-family: ui-monospace, monospace; font-size: 12px; }
.tree details { margin-left: 14px; }
.tree summary { cursor: pointer; }
.tree .leaf { margin-left: 28px; white-space: pre-wrap; word-break: break-word; }
.k { color: #0550ae; }
.s { color: #0a3069; }
.n { color: #953800; }
.b { color: #8250df; }
.schema { flex: 1; overflow: auto; padding: 12px 16px; min-width: 0; }
.schema pre { background: #fff; border: 1px solid #d0d7de; padding: 10px; border-radius: 4px; overflow: auto; }
`;

export const PAGE_JS = String.raw`'use strict';
(function () {
  var ROW = 44;
  var all = [];
  var shown = [];
  var selected = null;
  var config = { forwardTo: null, live: false, replayable: false };
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function matches(r, q) {
    if (!q) return true;
    var hay = [r.sender, r.receiver, r.category + '/' + r.type, r.text, r.id, r.verdict].join(' ').toLowerCase();
    return hay.indexOf(q) !== -1;
  }

  function applyFilter() {
    var q = $('filter').value.trim().toLowerCase();
    shown = all.filter(function (r) { return matches(r, q); });
    $('count').textContent = String(shown.length);
    $('spacer').style.height = (shown.length * ROW) + 'px';
    renderRows();
  }

  // Only the visible rows are in the DOM, so 10,000 requests scroll as smoothly as 10.
  function renderRows() {
    var list = $('list');
    var first = Math.max(0, Math.floor(list.scrollTop / ROW) - 5);
    var last = Math.min(shown.length, first + Math.ceil(list.clientHeight / ROW) + 10);
    var rows = $('rows');
    rows.style.top = (first * ROW) + 'px';
    rows.textContent = '';
    for (var i = first; i < last; i++) rows.appendChild(rowFor(shown[i]));
  }

  function rowFor(r) {
    var row = el('div', 'row' + (selected === r.id ? ' selected' : ''));
    row.setAttribute('data-id', r.id);
    var line1 = el('div', 'line1');
    line1.appendChild(el('span', 'time', r.receivedAt.slice(11, 19)));
    line1.appendChild(el('span', 'verdict ' + r.verdict, r.status + ' ' + r.verdict));
    line1.appendChild(el('span', 'who', (r.sender || '?') + ' → ' + (r.receiver || '?')));
    line1.appendChild(el('span', 'kind', r.category ? r.category + '/' + (r.type || '') : (r.json ? '' : 'not JSON')));
    if (r.duplicate) line1.appendChild(el('span', 'dup', 'duplicate'));
    row.appendChild(line1);
    row.appendChild(el('div', 'text', r.text || r.reason || ''));
    row.addEventListener('click', function () { select(r.id); });
    return row;
  }

  function select(id) {
    selected = id;
    renderRows();
    fetch('/api/captures/' + encodeURIComponent(id)).then(function (res) { return res.json(); }).then(showDetail);
  }

  function tree(value, key) {
    if (value !== null && typeof value === 'object') {
      var d = el('details');
      d.open = true;
      var s = el('summary');
      if (key !== undefined) { s.appendChild(el('span', 'k', key)); s.appendChild(document.createTextNode(': ')); }
      s.appendChild(document.createTextNode(Array.isArray(value) ? '[' + value.length + ']' : '{' + Object.keys(value).length + '}'));
      d.appendChild(s);
      Object.keys(value).forEach(function (k) { d.appendChild(tree(value[k], Array.isArray(value) ? Number(k) : k)); });
      return d;
    }
    var leaf = el('div', 'leaf');
    if (key !== undefined) { leaf.appendChild(el('span', 'k', key)); leaf.appendChild(document.createTextNode(': ')); }
    var cls = typeof value === 'string' ? 's' : typeof value === 'number' ? 'n' : 'b';
    leaf.appendChild(el('span', cls, JSON.stringify(value)));
    return leaf;
  }

  function copy(text, button) {
    var done = function () { var t = button.textContent; button.textContent = 'Copied'; setTimeout(function () { button.textContent = t; }, 1200); };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    else { fallbackCopy(text); done(); }
  }
  function fallbackCopy(text) {
    var ta = el('textarea');
    ta.value = text;
    document.body.appendChild(ta);
    ta.select();
    try { document.execCommand('copy'); } catch (e) { /* nothing else to try */ }
    ta.remove();
  }

  // Paste-safe: every value from the capture (a header, the body) is one single-quoted shell word, so
  // no quote, newline or heredoc marker in it can end the quoting.
  function shellQuote(s) {
    return "'" + String(s).replace(/'/g, "'\\''") + "'";
  }

  function curlFor(r) {
    var body = r.body !== undefined ? JSON.stringify(r.body) : (r.rawBody || '');
    var url = config.forwardTo || 'http://127.0.0.1:3978/';
    var type = r.json ? 'application/json' : String((r.headers && r.headers['content-type']) || 'text/plain');
    return 'curl -X POST ' + shellQuote(url) + ' -u "$CALLBACK_USER:$CALLBACK_PASSWORD" -H ' + shellQuote('content-type: ' + type) + ' --data-binary ' + shellQuote(body);
  }

  function showDetail(r) {
    var d = $('detail');
    d.textContent = '';
    if (r.error) { d.appendChild(el('p', 'empty', r.error)); return; }
    d.appendChild(el('h3', null, r.id + ' · ' + r.method + ' ' + r.path + ' · ' + r.status + ' ' + r.verdict + (r.reason ? ' (' + r.reason + ')' : '')));
    d.appendChild(el('div', 'empty', r.receivedAt + ' from ' + r.remoteAddress + ' · ' + r.bytes + ' bytes'));
    var actions = el('div', 'actions');
    var hasBody = r.body !== undefined || r.rawBody !== undefined;
    var curl = el('button', null, 'Copy as curl');
    curl.disabled = !hasBody;
    curl.addEventListener('click', function () { copy(curlFor(r), curl); });
    var json = el('button', null, 'Copy as JSON');
    json.disabled = !hasBody;
    json.addEventListener('click', function () { copy(r.body !== undefined ? JSON.stringify(r.body, null, 2) : r.rawBody, json); });
    var replay = el('button', null, 'Replay');
    replay.id = 'replay';
    replay.disabled = !hasBody || !config.replayable;
    replay.title = config.replayable ? 'POST this payload to ' + config.forwardTo : 'start listen with --forward-to URL to replay';
    var result = el('span', null, '');
    result.id = 'replay-result';
    replay.addEventListener('click', function () {
      result.textContent = 'sending…';
      fetch('/api/replay/' + encodeURIComponent(r.id), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
        .then(function (res) { return res.json(); })
        .then(function (out) { result.textContent = out.error ? 'failed: ' + out.error : out.status + ' from ' + out.url + ' in ' + out.ms + ' ms'; });
    });
    actions.appendChild(curl); actions.appendChild(json); actions.appendChild(replay); actions.appendChild(result);
    d.appendChild(actions);
    d.appendChild(el('h4', null, 'Headers'));
    var table = el('table', 'headers');
    Object.keys(r.headers || {}).forEach(function (k) {
      var tr = el('tr');
      tr.appendChild(el('td', 'k', k));
      tr.appendChild(el('td', null, r.headers[k]));
      table.appendChild(tr);
    });
    d.appendChild(table);
    d.appendChild(el('h4', null, 'Body'));
    var t = el('div', 'tree');
    t.id = 'tree';
    if (r.body !== undefined) t.appendChild(tree(r.body));
    else if (r.rawBody !== undefined) t.appendChild(el('div', 'leaf', r.rawBody));
    else t.appendChild(el('div', 'empty', 'No body recorded: the request was rejected.'));
    d.appendChild(t);
  }

  function showTab(name) {
    $('tab-requests').classList.toggle('active', name === 'requests');
    $('tab-schema').classList.toggle('active', name === 'schema');
    $('requests-view').hidden = name !== 'requests';
    $('schema-view').hidden = name !== 'schema';
    if (name === 'schema') {
      $('schema-ts').textContent = 'Loading…';
      fetch('/api/schema').then(function (res) { return res.json(); }).then(function (s) {
        $('schema-ts').textContent = s.typescript || s.error || '';
        $('schema-json').textContent = s.jsonSchema ? JSON.stringify(s.jsonSchema, null, 2) : '';
      });
    }
  }

  $('filter').addEventListener('input', applyFilter);
  $('list').addEventListener('scroll', renderRows);
  window.addEventListener('resize', renderRows);
  $('tab-requests').addEventListener('click', function () { showTab('requests'); });
  $('tab-schema').addEventListener('click', function () { showTab('schema'); });

  fetch('/api/config').then(function (res) { return res.json(); }).then(function (c) {
    config = c;
    if (!c.live) { $('live').textContent = 'read-only'; $('live').className = 'live off'; }
    return fetch('/api/captures');
  }).then(function (res) { return res.json(); }).then(function (list) {
    all = list;
    applyFilter();
    if (!config.live) return;
    var events = new EventSource('/api/events');
    events.addEventListener('capture', function (e) {
      all.unshift(JSON.parse(e.data));
      applyFilter();
    });
    events.onerror = function () { $('live').className = 'live off'; };
    events.onopen = function () { $('live').className = 'live'; };
  });
})();
`;
