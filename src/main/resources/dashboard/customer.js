// Brain customer page: one customer from /v1/analytics/customers/{id}; every cell via textContent (names come from clients).
'use strict';
(function () {
  const TOKEN_KEY = 'brain_admin_token';
  const $ = (id) => document.getElementById(id);
  const customer = decodeURIComponent(location.pathname.split('/').pop());
  const charts = {};
  const palette = ['#3b5bdb', '#e8590c', '#2f9e44', '#c2255c', '#7048e8', '#1098ad', '#f59f00', '#5c940d', '#d6336c', '#495057'];
  const pct = (x) => (x == null ? '—' : Math.round(x * 1000) / 10 + '%');
  const fmt = (n) => (n == null ? '—' : Number(n).toLocaleString('en-US', { maximumFractionDigits: 2 }));
  const when = (t) => (t ? new Date(t).toLocaleString() : 'never');

  function login(message) {
    $('login-error').textContent = message || '';
    if (!$('login').open) $('login').showModal();
  }

  function tokenFromUrl() {
    const m = location.hash.match(/token=([^&]+)/);
    if (!m) return '';
    history.replaceState(null, '', location.pathname + location.search);
    try { localStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1])); return ''; } catch (err) {
      localStorage.removeItem(TOKEN_KEY);
      return 'the token in the link is garbled; paste it here';
    }
  }

  function td(tr, value, cls) {
    const cell = document.createElement('td');
    cell.textContent = value == null ? '—' : String(value);
    if (cls) cell.className = cls;
    tr.appendChild(cell);
  }

  function table(id, rows, render) {
    const body = $(id).querySelector('tbody');
    body.replaceChildren();
    rows.forEach((r) => { const tr = document.createElement('tr'); render(tr, r); body.appendChild(tr); });
    if (!rows.length) { const tr = document.createElement('tr'); td(tr, 'nothing in this window', 'muted'); body.appendChild(tr); }
  }

  function draw(id, type, labels, datasets, options) {
    if (charts[id]) charts[id].destroy();
    charts[id] = new Chart($(id), { type, data: { labels, datasets }, options: Object.assign({ responsive: true,
      maintainAspectRatio: false, animation: false, plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } } }, options || {}) });
  }

  function health(page) {
    const rows = page.sections.health;
    const now = page.health_now;
    $('health-now').textContent = now ? 'now ' + now.score + ' · ' + now.reason : '';
    draw('health-chart', 'line', rows.map((r) => r.day.slice(5)), [
      { label: 'score', data: rows.map((r) => r.score), borderColor: palette[0], borderWidth: 3, pointRadius: 2 },
      { label: 'trend', data: rows.map((r) => r.trend_score), borderColor: palette[1], pointRadius: 0 },
      { label: 'liveness', data: rows.map((r) => r.liveness_score), borderColor: palette[2], pointRadius: 0 },
      { label: 'quality', data: rows.map((r) => r.quality_score), borderColor: palette[3], pointRadius: 0 }],
    { scales: { y: { min: 0, max: 100 } } });
    table('health-moves', rows.filter((r) => r.reason != null).reverse().slice(0, 8), (tr, r) => {
      td(tr, r.day); td(tr, r.score, 'num'); td(tr, r.change == null ? '' : (r.change > 0 ? '+' : '') + r.change, 'num'); td(tr, r.reason, 'reason');
    });
  }

  function cost(page) {
    const s = page.sections.spend;
    draw('spend-chart', 'bar', s.map((r) => r.day.slice(5)), [{ label: 'cost (cents)', data: s.map((r) => r.cost_cents), backgroundColor: palette[1] }],
      { scales: { y: { beginAtZero: true } }, plugins: { legend: { display: false } } });
    const c = page.cost;
    const facts = [['spend', fmt(c.cost_cents) + ' ¢'], ['per session', fmt(c.cost_per_session_cents) + ' ¢'],
      ['cache saved', c.cache_savings_cents == null ? '—' : fmt(c.cache_savings_cents) + ' ¢'], ['basis', c.cost_basis]];
    const m = c.month;
    if (m && m.monthly_cents != null) {
      facts.push(['contract / month', fmt(m.monthly_cents) + ' ¢'], ['margin this month', fmt(m.margin_cents) + ' ¢'],
        ['spend / contract', pct(m.spend_share)]);
    }
    $('cost-facts').replaceChildren(...facts.map(([k, v]) => {
      const div = document.createElement('div'); const dt = document.createElement('dt'); const dd = document.createElement('dd');
      dt.textContent = k; dd.textContent = v; div.append(dt, dd); return div;
    }));
    table('models', page.sections.models, (tr, r) => {
      td(tr, r.model); td(tr, r.cost_basis); td(tr, fmt(r.input_tokens), 'num'); td(tr, fmt(r.cache_read_tokens), 'num');
      td(tr, fmt(r.output_tokens), 'num'); td(tr, fmt(r.cost_cents), 'num'); td(tr, fmt(r.cache_savings_cents), 'num');
    });
  }

  function usage(page) {
    const e = page.sections.engagement;
    draw('engagement-chart', 'line', e.map((r) => r.day.slice(5)), [
      { label: customer, data: e.map((r) => r.sessions_per_agent), borderColor: palette[0], backgroundColor: 'rgba(59,91,219,.12)', fill: true, pointRadius: 0 },
      { label: 'median customer', data: e.map((r) => r.median_per_agent), borderColor: '#868e96', borderDash: [5, 4], pointRadius: 0 }],
    { scales: { y: { beginAtZero: true } } });
    const mix = page.sections.categories;
    const weeks = [...new Set(mix.map((r) => r.week))].sort();
    const cats = [...new Set(mix.map((r) => r.category))];
    draw('categories-chart', 'bar', weeks.map((w) => 'wk ' + w.slice(5)), cats.slice(0, 10).map((c, i) => ({ label: c, backgroundColor: palette[i % palette.length],
      data: weeks.map((w) => (mix.find((r) => r.week === w && r.category === c) || { sessions: 0 }).sessions) })),
    { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } });
    table('openings', page.sections.openings, (tr, r) => {
      td(tr, r.rank, 'num'); td(tr, r.category); td(tr, r.customers_using + ' of ' + r.customers_active, 'num');
      td(tr, pct(r.median_share), 'num'); td(tr, pct(r.share), 'num'); td(tr, r.opening);
    });
    table('growing', page.sections.growing.filter((r) => r.sessions_recent > r.sessions_before).slice(0, 6), (tr, r) => {
      td(tr, r.category); td(tr, fmt(r.sessions_recent), 'num'); td(tr, fmt(r.sessions_before), 'num');
      td(tr, r.growth == null ? 'new' : '+' + pct(r.growth), 'num');
    });
  }

  function quality(page) {
    const o = page.sections.outcomes;
    draw('outcomes-chart', 'bar', o.map((r) => r.day.slice(5)), [
      { label: 'success', data: o.map((r) => r.success), backgroundColor: '#69db7c' },
      { label: 'failed', data: o.map((r) => r.failed), backgroundColor: '#ff6b6b' },
      { label: 'escalated', data: o.map((r) => r.escalated), backgroundColor: '#ffa94d' }],
    { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } });
    table('tools', page.sections.tools.slice(0, 8), (tr, r) => {
      td(tr, r.tool); td(tr, fmt(r.calls), 'num'); td(tr, pct(r.failure_rate), 'num'); td(tr, fmt(r.p95_ms), 'num');
    });
    table('errors', page.sections.errors.slice(0, 10), (tr, r) => {
      td(tr, r.stack_hash ? r.stack_hash.slice(7, 19) : '—'); td(tr, r.kind); td(tr, fmt(r.errors), 'num');
      td(tr, when(r.first_seen)); td(tr, when(r.last_seen)); td(tr, r.message, 'message');
    });
    $('card-value').hidden = page.sections.value.length === 0;
    table('value', page.sections.value, (tr, r) => {
      td(tr, r.source === 'business' ? 'business outcome' : 'usage metric'); td(tr, r.name); td(tr, fmt(r.events), 'num'); td(tr, fmt(r.value), 'num');
    });
  }

  function agents(page) {
    table('agents', page.sections.agents, (tr, r) => {
      td(tr, r.agent_id); td(tr, r.kind); td(tr, (r.version || '—') + (r.previous_version ? ' (was ' + r.previous_version + ')' : ''));
      td(tr, r.version_since ? new Date(r.version_since).toLocaleDateString() : '—');
      td(tr, when(r.last_seen_at), r.silent ? 'silent' : ''); td(tr, fmt(r.sessions_7d), 'num'); td(tr, fmt(r.sessions_prev_7d), 'num');
      td(tr, pct(r.failure_rate), 'num'); td(tr, fmt(r.errors), 'num'); td(tr, fmt(r.dropped_events), 'num');
      td(tr, fmt(r.open_alerts), 'num' + (r.open_alerts > 0 ? ' silent' : ''));
    });
  }

  async function load() {
    if (!localStorage.getItem(TOKEN_KEY)) { login(); return; }
    document.body.dataset.ready = 'false';
    $('problem').hidden = true;
    try {
      const res = await fetch('/v1/analytics/customers/' + encodeURIComponent(customer) + '?days=' + $('days').value,
        { headers: { Authorization: 'Bearer ' + localStorage.getItem(TOKEN_KEY), Accept: 'application/json' } });
      const body = await res.json().catch(() => ({}));
      if (res.status === 401 || res.status === 403) { localStorage.removeItem(TOKEN_KEY); login(body.message || 'the admin token was refused'); return; }
      if (!res.ok) throw new Error(body.message || 'HTTP ' + res.status);
      const c = body.customer;
      $('title').textContent = (c.name === c.id ? c.id : c.name + ' (' + c.id + ')') + ' · tier ' + c.privacy_tier;
      document.title = 'Brain — ' + body.customer.id;
      health(body); cost(body); agents(body); usage(body); quality(body);
      $('fresh').textContent = 'data as of ' + new Date(body.fresh_as_of).toLocaleTimeString();
      document.body.dataset.ready = 'true';
    } catch (err) {
      $('problem').textContent = 'Could not load: ' + err.message;
      $('problem').hidden = false;
    }
  }

  const linkProblem = tokenFromUrl();
  $('login-form').addEventListener('submit', () => { localStorage.setItem(TOKEN_KEY, $('token').value.trim()); $('token').value = ''; load(); });
  $('signout').addEventListener('click', () => { localStorage.removeItem(TOKEN_KEY); login(); });
  $('days').addEventListener('change', load);
  if (linkProblem) login(linkProblem); else load();
})();
