/* Jingqing console: the page's wiring (tabs, theme, language) and the model health panel.
 *
 * The views live in their own files, loaded before this one as plain scripts: messages.js
 * (every text), api.js (service and helpers), calltaker.js, map.js, planner.js and export.js;
 * deploy.js (the patrol plan card) after it. Category labels shown come from each answer's
 * `probabilities`; the display names (served as `labels.js`) only translate labels and fall
 * back to the raw label for anything they do not know.
 */
'use strict';

function showPanel(panelId) {
  for (const tab of document.querySelectorAll('.tab[data-panel]')) {
    const on = tab.dataset.panel === panelId;
    tab.classList.toggle('active', on);
    tab.setAttribute('aria-selected', String(on));
  }
  for (const panel of document.querySelectorAll('.panel')) panel.hidden = panel.id !== panelId;
  if (panelId === 'panel-planner' && !plan.rows.length) loadForecast(24);
  if (panelId === 'panel-planner' && plan.rows.length) drawHeatmap();
}

const THEME_KEY = 'jingqing.theme';
function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  localStorage.setItem(THEME_KEY, theme);
  if (plan.rows.length) drawHeatmap();
}

// ---- Model health panel (GET /monitor) -------------------------------------------------
// What moved since training and how often call takers kept the suggestion; the alerts are
// the monitor's own sentences (data, shown as written). Text is set with textContent only.
let health = null;

function renderHealth() {
  const status = $('health-status');
  if (!health) return;
  if (health.error) {
    status.textContent = t('health.unavailable', { message: health.error });
    status.className = 'health-status muted';
    return;
  }
  const body = health.body;
  $('health-alerts').replaceChildren(...(body.alerts || []).map((a) =>
    el('li', { class: 'data', text: a.message })));
  status.textContent = body.alert ? t('health.alerts', { n: body.alerts.length }) : t('health.ok');
  status.className = `health-status ${body.alert ? 'bad' : 'good'}`;
  const bits = [];
  if (body.drift) {
    bits.push(t('health.suggestions', { n: body.drift.n, d: (body.model && body.model.window_days) || 7 }));
  }
  const agree = body.agreement;
  if (agree && agree.n) bits.push(t('health.agreement', { p: `${Math.round(100 * agree.accuracy)} %`, n: agree.n }));
  $('health-figures').textContent = bits.join(' · ') || t('health.none');
  $('health-note').textContent = (body.model && body.model.note) || '';
}

async function loadHealth() {
  try {
    const resp = await fetch(`${API_BASE}/monitor`, { headers: { Accept: 'application/json' } });
    if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
    health = { body: await resp.json() };
  } catch (err) {
    health = { error: err.message };
  }
  renderHealth();
}

document.addEventListener('DOMContentLoaded', () => {
  applyTheme(localStorage.getItem(THEME_KEY) || 'dark');
  $('theme-btn').addEventListener('click', () => {
    applyTheme(document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark');
  });
  $('lang-btn').addEventListener('click', () => setLanguage(lang === 'zh' ? 'en' : 'zh'));
  for (const tab of document.querySelectorAll('.tab[data-panel]')) {
    tab.addEventListener('click', () => showPanel(tab.dataset.panel));
  }
  languageListeners.push(renderHealth);
  initCallTaker();
  initPlanner();
  initExports();
  $('health-btn').addEventListener('click', loadHealth);
  loadHealth();
});
