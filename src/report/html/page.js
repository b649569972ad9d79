// Renders the case table of the pwconform report from the JSON in #pwc-data.
// Rules: every text from the report goes through textContent (never innerHTML), only http(s)
// links become hrefs, and only one page of rows exists in the DOM at a time, so 10,000 cases stay
// fast. What an opened case shows (checks, exchanges, diff) is in #pwc-details, one JSON line per
// case, parsed only for the case opened: the page does not parse every exchange to open. The URL hash holds the filters (#status=fail&dialect=ocariot&tag=auth&q=text&case=d/id)
// so a filtered view can be linked to, and the coverage/totals links are plain hash links.
(function () {
  'use strict';
  var PAGE = 100;
  var FOLD_LINES = 30;
  var FOLD_CHARS = 4000;
  var RANK = { fail: 0, error: 1, known: 2, skip: 3, pass: 4 };
  var LABEL = { fail: 'FAIL', error: 'ERROR', known: 'KNOWN', skip: 'SKIP', pass: 'PASS' };
  var WHY = {
    fail: 'Why it failed', error: 'Why it could not be checked', known: 'Known deviation (baseline)',
    skip: 'Why it was skipped', pass: 'Passed'
  };
  var KEYS = ['status', 'dialect', 'theme', 'field', 'tag', 'rule', 'q'];

  // When the script starts the HTML (data included) is parsed; kept for the open-time measurement.
  var scriptStart = performance.now();
  var data = JSON.parse(document.getElementById('pwc-data').textContent);
  var cases = data.cases;
  // Failures first: a newcomer's first click lands on a case that did not pass.
  var order = cases.map(function (_, i) { return i; });
  order.sort(function (a, b) {
    return RANK[cases[a].verdict] - RANK[cases[b].verdict] || a - b;
  });
  var haystack = null;
  var details = null;
  var state = {};
  var shown = [];
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) if (arguments[i]) parent.appendChild(arguments[i]);
    return parent;
  }
  function key(c) { return c.dialect + '/' + c.id; }
  // Case i's details: line i of #pwc-details. The line starts are found once, on the first open.
  function detailsOf(i) {
    if (!details) {
      var text = $('pwc-details').textContent;
      var starts = [0];
      for (var at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
      details = { text: text, starts: starts };
    }
    return JSON.parse(details.text.slice(details.starts[i], details.starts[i + 1] - 1));
  }

  // ---- filters and the URL hash ----
  function readHash() {
    var p = new URLSearchParams(location.hash.replace(/^#/, ''));
    state = { page: Math.max(0, (parseInt(p.get('page'), 10) || 1) - 1), open: p.get('case') || '' };
    KEYS.forEach(function (k) { state[k] = p.get(k) || ''; });
  }
  function writeHash() {
    var p = new URLSearchParams();
    KEYS.forEach(function (k) { if (state[k]) p.set(k, state[k]); });
    if (state.page > 0) p.set('page', String(state.page + 1));
    if (state.open) p.set('case', state.open);
    var h = p.toString().replace(/\+/g, '%20');
    history.replaceState(null, '', h ? '#' + h : location.pathname + location.search);
  }
  function options(select, values, counts) {
    values.forEach(function (v) {
      var o = el('option', null, v + (counts ? ' (' + counts[v] + ')' : ''));
      o.value = v;
      select.appendChild(o);
    });
  }
  function distinct(pick) {
    // No prototype: a tag or theme named `constructor` is data like any other.
    var seen = Object.create(null), list = [];
    cases.forEach(function (c) {
      [].concat(pick(c)).forEach(function (v) {
        if (!(v in seen)) { seen[v] = 0; list.push(v); }
        seen[v] += 1;
      });
    });
    return { list: list, counts: seen };
  }
  function setupFilters() {
    var v = distinct(function (c) { return c.verdict; });
    [].forEach.call($('f-status').options, function (o) {
      var n = o.value.split(',').reduce(function (sum, s) { return sum + (v.counts[s] || 0); }, 0);
      if (o.value) o.textContent += ' (' + n + ')';
    });
    var d = distinct(function (c) { return c.dialect; });
    options($('f-dialect'), data.dialects.filter(function (x) { return x in d.counts; }), d.counts);
    var t = distinct(function (c) { return c.theme; });
    options($('f-theme'), t.list, t.counts);
    var f = distinct(function (c) { return c.field; });
    options($('f-field'), f.list, f.counts);
    var g = distinct(function (c) { return c.tags; });
    options($('f-tag'), g.list.sort(), g.counts);
    var r = distinct(function (c) { return rulesOf(c); });
    options($('f-rule'), r.list.sort(), r.counts);
    KEYS.forEach(function (k) {
      var input = $('f-' + k);
      input.addEventListener(k === 'q' ? 'input' : 'change', function () {
        state[k] = input.value.trim();
        state.page = 0;
        state.open = '';
        if (k === 'q') { clearTimeout(input.timer); input.timer = setTimeout(update, 150); } else update();
      });
    });
    $('f-reset').addEventListener('click', function () {
      KEYS.forEach(function (k) { state[k] = ''; });
      state.page = 0;
      state.open = '';
      syncControls();
      update();
    });
  }
  function syncControls() {
    KEYS.forEach(function (k) {
      var input = $('f-' + k);
      // A value from a hand-written hash that no option has still filters, and shows as chosen.
      if (input.tagName === 'SELECT' && state[k] &&
          ![].some.call(input.options, function (o) { return o.value === state[k]; })) {
        var o = el('option', null, state[k]);
        o.value = state[k];
        input.appendChild(o);
      }
      input.value = state[k];
    });
  }
  // Results written before cases carried their subject have none.
  function rulesOf(c) { return (c.subject && c.subject.rules) || []; }
  function matches(i) {
    var c = cases[i];
    if (state.status && state.status.split(',').indexOf(c.verdict) < 0) return false;
    if (state.dialect && c.dialect !== state.dialect) return false;
    if (state.theme && c.theme !== state.theme) return false;
    if (state.field && c.field !== state.field) return false;
    if (state.tag && c.tags.indexOf(state.tag) < 0) return false;
    if (state.rule && rulesOf(c).indexOf(state.rule) < 0) return false;
    if (state.q) {
      if (!haystack) {
        haystack = cases.map(function (x) {
          return [x.dialect, x.id, x.title, x.theme, x.field, x.expected_outcome]
            .concat(x.tags, x.reasons).join('\n').toLowerCase();
        });
      }
      var words = state.q.toLowerCase().split(/\s+/);
      for (var w = 0; w < words.length; w++) if (haystack[i].indexOf(words[w]) < 0) return false;
    }
    return true;
  }

  // ---- the table ----
  function update() {
    shown = order.filter(matches);
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    if (state.open) {
      var at = shown.findIndex(function (i) { return key(cases[i]) === state.open; });
      if (at >= 0) state.page = Math.floor(at / PAGE);
    }
    state.page = Math.min(state.page, pages - 1);
    writeHash();
    var tbody = $('rows');
    tbody.textContent = '';
    var from = state.page * PAGE;
    shown.slice(from, from + PAGE).forEach(function (i) {
      var row = caseRow(i);
      tbody.appendChild(row);
      if (key(cases[i]) === state.open) toggle(row);
    });
    $('count').textContent = shown.length === cases.length
      ? cases.length + ' cases'
      : shown.length + ' of ' + cases.length + ' cases match';
    if (!shown.length) {
      var td = el('td', 'empty', 'No case matches these filters.');
      td.colSpan = 6;
      add(tbody, add(el('tr'), td));
    }
    pager(pages);
  }
  function pager(pages) {
    var nav = $('pager');
    nav.textContent = '';
    if (pages < 2) return;
    function go(label, page, disabled) {
      var b = el('button', null, label);
      b.disabled = disabled;
      b.addEventListener('click', function () {
        state.page = page;
        state.open = '';
        update();
        $('case-table').scrollIntoView();
      });
      return b;
    }
    add(nav, go('« first', 0, state.page === 0), go('‹ previous', state.page - 1, state.page === 0),
      el('span', null, 'page ' + (state.page + 1) + ' of ' + pages),
      go('next ›', state.page + 1, state.page >= pages - 1), go('last »', pages - 1, state.page >= pages - 1));
  }
  function caseRow(i) {
    var c = cases[i];
    var tr = el('tr', 'case v-' + c.verdict);
    tr.dataset.verdict = c.verdict;
    tr.dataset.index = String(i);
    tr.tabIndex = 0;
    var reason = c.reasons.length ? c.reasons[0] : '';
    if (reason.length > 180) reason = reason.slice(0, 180) + '…';
    add(tr, add(el('td'), el('span', 'badge ' + c.verdict, LABEL[c.verdict])),
      el('td', null, c.dialect), add(el('td', 'id'), el('code', null, c.id)),
      el('td', null, c.title), el('td', null, c.theme), el('td', 'reason', reason));
    tr.addEventListener('click', function () { toggle(tr); });
    tr.addEventListener('keydown', function (e) { if (e.key === 'Enter') toggle(tr); });
    return tr;
  }
  function toggle(tr) {
    var i = +tr.dataset.index;
    var c = cases[i];
    var next = tr.nextSibling;
    if (next && next.classList.contains('detail')) {
      next.remove();
      tr.classList.remove('open');
      if (state.open === key(c)) { state.open = ''; writeHash(); }
      return;
    }
    var td = el('td');
    td.colSpan = 6;
    tr.parentNode.insertBefore(add(el('tr', 'detail'), add(td, detail(c, detailsOf(i)))), next);
    tr.classList.add('open');
    state.open = key(c);
    writeHash();
  }

  // ---- one case: why, diff, checks, exchanges ----
  function detail(c, d) {
    var box = el('div', 'detail-box');
    var why = add(el('section', 'why ' + c.verdict),
      el('h3', null, WHY[c.verdict]));
    if (c.reasons.length) add(why, add.apply(null, [el('ul')].concat(c.reasons.map(function (r) { return el('li', null, r); }))));
    add(why, add(el('p'), el('span', 'k', 'expected outcome '), el('code', null, c.expected_outcome)));
    if (d.doc) add(why, contract(d.doc));
    add(box, why);
    if (d.diff) add(box, el('h4', null, 'Expected (−) vs actual (+)'), diffBlock(d.diff));
    if (d.checks.length) add(box, el('h4', null, 'Checks'), checks(d.checks));
    if (d.exchanges.length) {
      add(box, el('h4', null, 'Requests and responses (' + d.exchanges.length + ')'));
      d.exchanges.forEach(function (x) { add(box, exchange(x, d.exchanges.length === 1)); });
    }
    var changed = d.changed_accounts.map(function (a) {
      return a.account + (a.restored_by ? ', restored' : ', NOT restored');
    });
    var facts = 'id ' + c.id + ' · tags ' + (c.tags.join(', ') || '—') + ' · field ' + c.field +
      ' · ' + d.duration_ms + ' ms' + (changed.length ? ' · changed ' + changed.join('; ') +
      (d.change_expected ? '' : ' (not expected)') : '');
    var link = el('a', null, 'link to this case');
    link.href = '#case=' + encodeURIComponent(key(c));
    add(box, add(el('p', 'facts', facts + ' · '), link));
    return box;
  }
  function contract(doc) {
    var p = add(el('p', 'contract'), el('span', 'k', 'contract '));
    var m = /^(https?:\/\/\S+)(\s+[\s\S]*)?$/.exec(doc);
    if (m) {
      var a = el('a', null, m[1]);
      a.href = m[1];
      a.rel = 'noreferrer';
      add(p, a);
      if (m[2]) add(p, el('span', null, m[2]));
    } else {
      add(p, el('span', null, doc));
    }
    return p;
  }
  function diffBlock(text) {
    var pre = el('pre', 'diff');
    text.replace(/\n$/, '').split('\n').forEach(function (line) {
      var cls = line[0] === '-' ? 'del' : line[0] === '+' ? 'ins' : 'same';
      add(pre, el('span', cls, line + '\n'));
    });
    return pre;
  }
  function checks(list) {
    var table = add(el('table', 'checks'), add(el('thead'), add(el('tr'),
      el('th', null, ''), el('th', null, 'check'), el('th', null, 'expected'), el('th', null, 'actual'))));
    var tbody = add(table, el('tbody'));
    list.forEach(function (k) {
      add(tbody, add(el('tr', k.passed ? 'ok' : 'bad'), el('td', 'mark', k.passed ? '✓' : '✗'),
        el('td', null, k.name), add(el('td'), el('code', null, k.expected)), add(el('td'), el('code', null, k.actual))));
      if (!k.details.length && !k.schema_fragment) return;
      var td = el('td');
      td.colSpan = 3;
      if (k.details.length) add(td, add.apply(null, [el('ul', 'details')].concat(k.details.map(function (d) { return el('li', null, d); }))));
      Object.keys(k.schema_fragment || {}).forEach(function (where) {
        add(td, add(el('p', 'k'), el('span', null, 'schema rule at '), el('code', null, where)),
          body(JSON.stringify(k.schema_fragment[where], null, 2)));
      });
      add(tbody, add(el('tr', 'sub'), el('td'), td));
    });
    return table;
  }
  function exchange(x, only) {
    var d = el('details', 'exchange');
    d.open = only || x.purpose === 'case';
    var status = x.response ? String(x.response.status) : (x.error ? 'no answer' : '—');
    add(d, add(el('summary'), el('span', 'purpose', x.purpose), el('code', null, x.request.method + ' ' + x.request.url),
      el('span', 'arrow', ' → '), el('strong', null, status), el('span', 'ms', ' ' + x.duration_ms + ' ms')));
    var req = add(el('div', 'side'), el('h5', null, 'Request'),
      el('pre', 'line', x.request.method + ' ' + x.request.url), headers(x.request.headers),
      x.request.body === null || x.request.body === undefined ? el('p', 'muted', '(no body)') : body(x.request.body));
    var res = add(el('div', 'side'), el('h5', null, 'Response'));
    if (x.response) {
      var r = x.response;
      add(res, el('pre', 'line', 'HTTP ' + r.status), headers(r.headers), body(r.body));
      if (r.truncated) add(res, el('p', 'warn', 'The body was longer than the limit and was cut.'));
      if (r.invalid_utf8) add(res, el('p', 'warn', 'The body is not valid UTF-8; bad bytes are shown as U+FFFD.'));
    }
    if (x.error) add(res, el('p', 'warn', x.error));
    return add(d, add(el('div', 'sides'), req, res));
  }
  function headers(list) {
    var t = el('table', 'headers');
    list.forEach(function (h) { add(t, add(el('tr'), el('th', null, h[0]), el('td', null, h[1]))); });
    return t;
  }
  // Pretty-prints JSON bodies; folds long ones behind a button so one huge answer cannot bury
  // the rest of the case.
  function body(text) {
    if (text === '') return el('p', 'muted', '(empty body)');
    var shownText = text;
    try {
      var v = JSON.parse(text);
      if (v !== null && typeof v === 'object') shownText = JSON.stringify(v, null, 2);
    } catch (e) { /* not JSON: shown as sent */ }
    var lines = shownText.split('\n');
    var pre = el('pre', 'body');
    if (lines.length <= FOLD_LINES && shownText.length <= FOLD_CHARS) {
      pre.textContent = shownText;
      return pre;
    }
    pre.textContent = lines.slice(0, FOLD_LINES).join('\n').slice(0, FOLD_CHARS) + '\n…';
    var more = el('button', 'more', 'show all ' + lines.length + ' lines (' + Math.ceil(shownText.length / 1024) + ' KB)');
    more.addEventListener('click', function () { pre.textContent = shownText; more.remove(); });
    return add(el('div'), pre, more);
  }

  readHash();
  setupFilters();
  syncControls();
  update();
  // A link to one case shows it; a case already in view stays where it is.
  var opened = document.querySelector('tr.case.open');
  if (opened) opened.scrollIntoView({ block: 'nearest' });
  window.addEventListener('hashchange', function () {
    readHash();
    syncControls();
    update();
    var open = document.querySelector('tr.case.open');
    (open || $('cases')).scrollIntoView();
  });
  // For tests and the open-time measurement: set only once the first page is rendered, in ms
  // since navigation started.
  document.body.setAttribute('data-script-ms', String(Math.round(scriptStart)));
  document.body.setAttribute('data-rendered-ms', String(Math.round(performance.now())));
})();
