// The inspector page's script: plain browser JavaScript, type-checked by tsc (tsconfig.page.json, DOM
// lib) and inlined into the build by scripts/build-page.mjs. Every payload value reaches the DOM
// through textContent, never innerHTML, so a payload carrying HTML or a <script> shows as text.
'use strict';
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
    var q = /** @type {HTMLInputElement} */ ($('filter')).value.trim().toLowerCase();
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
