// Brain dashboard: reads /v1/analytics/* with the admin token; builds every cell with textContent (names come from clients).
'use strict';
(function () {
  const TOKEN_KEY = 'brain_admin_token';
  const $ = (id) => document.getElementById(id);
  const charts = {};
  const palette = ['#3b5bdb', '#e8590c', '#2f9e44', '#c2255c', '#7048e8', '#1098ad', '#f59f00', '#5c940d', '#d6336c', '#495057'];

  // Returns why the link's token cannot be used ('' when it can, or when there is none).
  function takeTokenFromUrl() {
    const m = location.hash.match(/token=([^&]+)/);
    if (!m) return '';
    history.replaceState(null, '', location.pathname + location.search);
    try {
      localStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
      return '';
    } catch (err) {
      localStorage.removeItem(TOKEN_KEY);
      return 'the token in the link is garbled; paste it here';
    }
  }

  function askToken(message) {
    $('login-error').textContent = message || '';
    if (!$('login').open) $('login').showModal();
  }

  async function api(question) {
    const params = new URLSearchParams({ days: $('days').value });
    if ($('customer').value) params.set('customer', $('customer').value);
    const res = await fetch('/v1/analytics/' + question + '?' + params, {
      headers: { Authorization: 'Bearer ' + localStorage.getItem(TOKEN_KEY), Accept: 'application/json' }
    });
    if (res.status === 401 || res.status === 403) {
      const body = await res.json().catch(() => ({}));
      localStorage.removeItem(TOKEN_KEY);
      throw Object.assign(new Error(body.message || 'the admin token was refused'), { auth: true });
    }
    if (!res.ok) throw new Error(question + ': HTTP ' + res.status);
    return res.json();
  }

  function cell(tr, value, cls) {
    const td = document.createElement('td');
    if (value instanceof Node) td.appendChild(value); else td.textContent = value == null ? '—' : String(value);
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }

  function fill(tableId, rows, render) {
    const body = $(tableId).querySelector('tbody');
    body.replaceChildren();
    rows.forEach((r) => { const tr = document.createElement('tr'); render(tr, r); body.appendChild(tr); });
    if (rows.length === 0) { const tr = document.createElement('tr'); cell(tr, 'no data in this window', 'muted'); body.appendChild(tr); }
  }

  // Every customer name leads to that customer's page.
  function customerLink(id) {
    const a = document.createElement('a');
    a.className = 'customer';
    a.href = '/dashboard/customers/' + encodeURIComponent(id);
    a.textContent = id;
    a.addEventListener('click', (e) => e.stopPropagation());
    return a;
  }

  const pct = (x) => (x == null ? '—' : Math.round(x * 1000) / 10 + '%');
  const fmt = (n) => (n == null ? '—' : Number(n).toLocaleString('en-US'));
  function ago(s) {
    if (s == null) return 'never';
    if (s < 3600) return Math.round(s / 60) + ' min';
    if (s < 172800) return Math.round(s / 3600) + ' h';
    return Math.round(s / 86400) + ' days';
  }

  function chart(id, config) {
    if (charts[id]) charts[id].destroy();
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false,
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } } }, config.options || {});
    charts[id] = new Chart($(id), config);
  }

  function byDay(rows, field) {
    const sums = new Map();
    rows.forEach((r) => sums.set(r.day, (sums.get(r.day) || 0) + Number(r[field])));
    return [...sums.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  }

  let showAllHealth = false;

  function renderHealth(rows) {
    const select = $('customer');
    if (select.options.length === 1) {
      rows.map((r) => r.customer_id).sort().forEach((id) => select.add(new Option(id, id)));
    }
    const more = $('health-more');
    more.hidden = rows.length <= 10;
    more.textContent = showAllHealth ? 'Show the 10 riskiest' : 'Show all ' + rows.length + ' customers';
    fill('health', showAllHealth ? rows : rows.slice(0, 10), (tr, r) => {
      const badge = document.createElement('span');
      badge.className = 'score ' + (r.score < 50 ? 'bad' : r.score < 75 ? 'warn' : 'good');
      badge.textContent = r.score;
      cell(tr, customerLink(r.customer_id));
      cell(tr, badge);
      cell(tr, fmt(r.sessions_7d), 'num');
      cell(tr, fmt(r.sessions_prev_7d), 'num');
      cell(tr, r.agents_silent_24h + ' of ' + r.agents, 'num' + (r.agents_silent_24h > 0 ? ' silent' : ''));
      cell(tr, pct(r.failure_rate), 'num');
      cell(tr, pct(r.escalation_rate), 'num');
      cell(tr, r.reason, 'reason');
      tr.addEventListener('click', () => { $('customer').value = r.customer_id; load(); });
    });
  }

  function renderCharts(engagement, spend, outcomes, categories) {
    const e = byDay(engagement.rows, 'sessions');
    chart('engagement-chart', { type: 'line', data: { labels: e.map((x) => x[0].slice(5)),
      datasets: [{ label: $('customer').value || document.body.dataset.scope || 'all customers', data: e.map((x) => x[1]), borderColor: palette[0],
        backgroundColor: 'rgba(59,91,219,.12)', fill: true, cubicInterpolationMode: 'monotone', pointRadius: 0 }] },
      options: { scales: { y: { beginAtZero: true } } } });
    const s = byDay(spend.rows, 'cost_cents');
    chart('spend-chart', { type: 'bar', data: { labels: s.map((x) => x[0].slice(5)),
      datasets: [{ label: 'cost (cents)', data: s.map((x) => Math.round(x[1] * 100) / 100), backgroundColor: palette[1] }] },
      options: { scales: { y: { beginAtZero: true } } } });
    const o = [...outcomes.rows].sort((a, b) => (b.failure_rate + b.escalation_rate) - (a.failure_rate + a.escalation_rate)).slice(0, 12);
    chart('outcomes-chart', { type: 'bar', data: { labels: o.map((r) => r.customer_id), datasets: [
      { label: 'success', data: o.map((r) => r.success), backgroundColor: '#69db7c' },
      { label: 'failed', data: o.map((r) => r.failed), backgroundColor: '#ff6b6b' },
      { label: 'escalated', data: o.map((r) => r.escalated), backgroundColor: '#ffa94d' }] },
      options: { indexAxis: 'y', scales: { x: { stacked: true }, y: { stacked: true } } } });
    const c = categories.across_customers.slice(0, 10);
    if (!document.body.dataset.scope) $('category-scope').textContent = $('customer').value ? 'for ' + $('customer').value : 'across customers';
    chart('categories-chart', { type: 'doughnut', data: { labels: c.map((r) => r.category),
      datasets: [{ data: c.map((r) => r.sessions), backgroundColor: palette }] },
      options: { plugins: { legend: { position: 'right', labels: { boxWidth: 12 } } } } });
    fill('categories', categories.across_customers.slice(0, 8), (tr, r) => {
      cell(tr, r.category); cell(tr, fmt(r.customers), 'num'); cell(tr, fmt(r.sessions), 'num');
    });
  }

  // Alerts (issue 13): the panel at the top, firing first, with ack and mute; a marker on each customer's health row.
  async function alertsApi(method, path, body) {
    const res = await fetch(path, { method, body: body ? JSON.stringify(body) : undefined,
      headers: { Authorization: 'Bearer ' + localStorage.getItem(TOKEN_KEY), Accept: 'application/json', 'Content-Type': 'application/json' } });
    if (!res.ok) throw new Error(path + ': HTTP ' + res.status);
    return res.json();
  }

  function sevBadge(text, cls) {
    const s = document.createElement('span');
    s.className = 'sev ' + cls;
    s.textContent = text;
    return s;
  }

  function alertButton(label, action) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.addEventListener('click', async (ev) => { ev.stopPropagation(); await action(); load(); });
    return b;
  }

  async function renderAlerts() {
    const params = new URLSearchParams({ state: 'all', limit: '50' });
    if ($('customer').value) params.set('customer', $('customer').value);
    const body = await alertsApi('GET', '/v1/alerts?' + params);
    const firing = body.alerts.filter((a) => a.state === 'firing');
    $('alerts-summary').textContent = firing.length + ' firing · firing first, then the latest resolved';
    fill('alerts', body.alerts.slice(0, 15), (tr, a) => {
      tr.dataset.alert = a.id;
      cell(tr, sevBadge(a.state === 'firing' ? a.severity : 'resolved', a.state === 'firing' ? a.severity : 'resolved'));
      cell(tr, a.rule);
      cell(tr, a.message, 'reason');
      cell(tr, ago(a.duration_s) + (a.acked_at ? ' · acked' : ''));
      const actions = document.createElement('span');
      if (a.state === 'firing' && !a.acked_at) actions.appendChild(alertButton('Ack', () => alertsApi('POST', '/v1/alerts/' + a.id + '/ack')));
      if (a.state === 'firing') actions.appendChild(alertButton('Mute 24 h', () => alertsApi('POST', '/v1/alerts/mute', { rule: a.rule, subject: a.subject, minutes: 1440 })));
      cell(tr, actions);
    });
    const worst = new Map();
    const rank = { critical: 3, warning: 2, info: 1 };
    firing.forEach((a) => { if (a.customer_id && (rank[a.severity] || 0) > (rank[worst.get(a.customer_id)] || 0)) worst.set(a.customer_id, a.severity); });
    $('health').querySelectorAll('tbody tr').forEach((tr) => {
      const first = tr.firstElementChild;
      const sev = first && worst.get(first.textContent);
      if (!sev) return;
      tr.classList.add('alert-' + sev);
      first.title = firing.filter((a) => a.customer_id === first.textContent).map((a) => a.message).join('\n');
    });
  }

  // A customer read token sees its own customer only: the page says so, offers no other, and labels the k-anonymous categories.
  function showScope(customer) {
    if (!customer) return;
    document.body.dataset.scope = customer;
    $('customer').options[0].textContent = customer + ' (this token)';
    $('category-scope').textContent = 'categories many customers share (no names)';
  }

  // Claude Code's value metrics, one row per customer: the metric names the OTLP receiver stores.
  const USAGE = [['claude_code.active_time.total', 1 / 3600], ['claude_code.lines_of_code.count.added', 1],
    ['claude_code.lines_of_code.count.removed', 1], ['claude_code.commit.count', 1], ['claude_code.pull_request.count', 1],
    ['claude_code.session.count', 1]];
  function renderUsage(rows) {
    const by = new Map();
    rows.forEach((r) => {
      const i = USAGE.findIndex(([m]) => r.metric === m || r.metric.startsWith(m + '.'));
      if (i < 0) return;
      if (!by.has(r.customer_id)) by.set(r.customer_id, USAGE.map(() => 0));
      by.get(r.customer_id)[i] += r.value * USAGE[i][1];
    });
    fill('usage-metrics', [...by.entries()], (tr, [customer, v]) => {
      cell(tr, customer);
      v.forEach((x, i) => cell(tr, i === 0 ? (Math.round(x * 10) / 10).toLocaleString('en-US') : fmt(Math.round(x)), 'num'));
    });
  }

  // The answer is per day; the card sums the window per customer and outcome name, most frequent first.
  function renderBusiness(rows) {
    const sums = new Map();
    rows.forEach((r) => {
      const k = r.customer_id + '\u0000' + r.name;
      const s = sums.get(k) || { customer_id: r.customer_id, name: r.name, events: 0, value: 0 };
      s.events += r.events; s.value += r.value_sum; sums.set(k, s);
    });
    fill('business', [...sums.values()].sort((a, b) => b.events - a.events).slice(0, 12), (tr, r) => {
      cell(tr, r.customer_id); cell(tr, r.name); cell(tr, fmt(r.events), 'num'); cell(tr, fmt(Math.round(r.value * 100) / 100), 'num');
    });
  }

  async function load() {
    if (!localStorage.getItem(TOKEN_KEY)) { askToken(); return; }
    document.body.dataset.ready = 'false';
    $('problem').hidden = true;
    try {
      const [health, engagement, spend, outcomes, categories, tools, seen] = await Promise.all(
        ['health', 'engagement', 'spend', 'outcomes', 'categories', 'tools', 'last-seen'].map(api));
      showScope(health.scoped_to);
      renderHealth(health.rows);
      // Alerts are the team's, admin only: a customer read token's page has no alert panel.
      if (health.scoped_to) $('alerts-card').hidden = true; else await renderAlerts();
      renderCharts(engagement, spend, outcomes, categories);
      fill('tools', tools.rows.slice(0, 12), (tr, r) => {
        cell(tr, customerLink(r.customer_id)); cell(tr, r.tool); cell(tr, fmt(r.calls), 'num'); cell(tr, pct(r.failure_rate), 'num');
        cell(tr, fmt(r.p50_ms), 'num'); cell(tr, fmt(r.p95_ms), 'num');
      });
      fill('last-seen', seen.rows.slice(0, 12), (tr, r) => {
        cell(tr, r.agent_id); cell(tr, customerLink(r.customer_id));
        cell(tr, r.last_seen_at ? new Date(r.last_seen_at).toLocaleString() : 'never');
        cell(tr, ago(r.silent_seconds), r.silent ? 'silent' : '');
      });
      renderUsage((await api('usage-metrics')).rows);
      renderBusiness((await api('outcomes/business')).rows);
      $('fresh').textContent = 'data as of ' + new Date(health.fresh_as_of).toLocaleTimeString();
      document.body.dataset.ready = 'true';
    } catch (err) {
      if (err.auth) { askToken(err.message); return; }
      $('problem').textContent = 'Could not load: ' + err.message;
      $('problem').hidden = false;
    }
  }

  const linkProblem = takeTokenFromUrl();
  $('login-form').addEventListener('submit', () => { localStorage.setItem(TOKEN_KEY, $('token').value.trim()); $('token').value = ''; load(); });
  $('signout').addEventListener('click', () => { localStorage.removeItem(TOKEN_KEY); askToken(); });
  $('health-more').addEventListener('click', () => { showAllHealth = !showAllHealth; load(); });
  $('customer').addEventListener('change', load);
  $('days').addEventListener('change', load);
  if (linkProblem) askToken(linkProblem); else load();
})();
