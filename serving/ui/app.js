/* Jingqing console: plain JavaScript against the service's JSON routes.
 *
 * Nothing is fetched from outside the service. Category labels shown come from each
 * answer's `probabilities`; the display names (served as `labels.js`) only translate labels
 * and fall back to the raw label for anything they do not know.
 */
'use strict';

// The API lives next to /ui, whatever prefix the service sits under.
const API_BASE = location.pathname.replace(/\/ui(\/[^/]*)?$/, '');
const TOKEN_KEY = 'jingqing.apiToken';

// Display names come from the service (`labels.js`, generated from features/labels.py).
const {
  category: CATEGORY_NAMES,
  disposition: DISPOSITION_NAMES,
  divert_to: DIVERT_NAMES,
} = window.JINGQING_LABELS;

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v);
  }
  for (const child of children) node.append(child);
  return node;
};
const names = (table, key) => table[key] || [key, key];
const bilingual = (table, key) => {
  const [zh, en] = names(table, key);
  const span = el('span', {}, zh + ' ');
  span.append(el('small', { text: en }));
  return span;
};

/* ---------------------------------------------------------------- API + token */

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

let tokenPrompt = null; // one dialog at a time, however many requests got a 401

function askToken(reason) {
  if (tokenPrompt) return tokenPrompt;
  const dialog = $('token-dialog');
  $('token-reason').textContent = reason;
  $('token-input').value = '';
  tokenPrompt = new Promise((resolve) => {
    const done = (token) => {
      dialog.close();
      $('token-form').onsubmit = null;
      $('token-cancel').onclick = null;
      tokenPrompt = null;
      resolve(token);
    };
    $('token-form').onsubmit = (ev) => {
      ev.preventDefault();
      const token = $('token-input').value.trim();
      if (token) {
        sessionStorage.setItem(TOKEN_KEY, token);
        done(token);
      }
    };
    $('token-cancel').onclick = () => done(null);
    dialog.showModal();
    $('token-input').focus();
  });
  return tokenPrompt;
}

async function errorMessage(resp) {
  const raw = await resp.text();
  try {
    const body = JSON.parse(raw);
    const msg = body.error || body.detail || body.message || body;
    return typeof msg === 'string' ? msg : JSON.stringify(msg);
  } catch {
    return raw.slice(0, 300) || resp.statusText;
  }
}

async function api(path, body) {
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.Authorization = `Bearer ${token}`;
    const resp = await fetch(API_BASE + path, {
      method: body === undefined ? 'GET' : 'POST',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (resp.status === 401) {
      if (token) sessionStorage.removeItem(TOKEN_KEY);
      const reason = token
        ? '令牌被拒绝，请重新输入。 The token was rejected; please enter it again.'
        : '服务已启用访问控制。 The service requires a token (JINGQING_API_TOKEN).';
      if (!(await askToken(reason))) throw new ApiError(401, '未提供令牌 No token given');
      continue;
    }
    if (!resp.ok) throw new ApiError(resp.status, await errorMessage(resp));
    return resp.json();
  }
  throw new ApiError(401, '令牌无效 Token not accepted');
}

function setStatus(id, text, kind = '') {
  const node = $(id);
  node.textContent = text;
  node.className = `status ${kind}`;
}

/* ---------------------------------------------------------------- call taker */

const state = {
  suggestion: null, text: '', finalCategory: null, finalDisposition: null, finalUrgent: false,
};

function highlight(text, keywords) {
  // Mark every character covered by a keyword, then emit runs; no HTML is ever parsed.
  const lower = text.toLowerCase();
  const covered = new Array(text.length).fill(false);
  for (const kw of keywords || []) {
    const needle = String(kw).toLowerCase();
    if (!needle.trim()) continue;
    for (let i = lower.indexOf(needle); i >= 0; i = lower.indexOf(needle, i + 1)) {
      for (let j = i; j < i + needle.length; j += 1) covered[j] = true;
    }
  }
  const box = $('highlighted');
  box.replaceChildren();
  let start = 0;
  for (let i = 1; i <= text.length; i += 1) {
    if (i === text.length || covered[i] !== covered[start]) {
      const piece = text.slice(start, i);
      box.append(covered[start] ? el('mark', { text: piece }) : document.createTextNode(piece));
      start = i;
    }
  }
  const list = el('div', { class: 'keyword-list' });
  for (const kw of keywords || []) list.append(el('span', { text: kw }));
  box.append(list);
}

function renderSuggestion(s, text) {
  const [zh, en] = names(CATEGORY_NAMES, s.category);
  const cat = $('category');
  cat.replaceChildren(zh, el('small', { text: en }));
  cat.dataset.category = s.category;
  cat.append(el('span', { class: 'conf', text: `${Math.round(s.confidence * 100)}%` }));

  $('urgent-flag').hidden = !s.urgent;
  const review = Boolean(s.review);
  $('review-flag').hidden = !review;

  const bars = $('prob-bars');
  bars.replaceChildren();
  const probs = Object.entries(s.probabilities || {}).sort((a, b) => b[1] - a[1]);
  for (const [label, p] of probs) {
    const top = label === s.category ? ' top' : '';
    const row = el('div', { class: `bar${top}`, 'data-label': label });
    row.style.display = 'contents';
    const fill = el('div', { class: 'bar-fill' });
    fill.style.width = `${(100 * p).toFixed(1)}%`;
    row.append(
      el('div', { class: 'bar-label' }, bilingual(CATEGORY_NAMES, label)),
      el('div', { class: 'bar-track' }, fill),
      el('div', { class: 'bar-value', text: `${(100 * p).toFixed(1)}%` }),
    );
    bars.append(row);
  }

  const routing = $('routing');
  // A model trained without routing labels suggests none: say so, preselect nothing.
  routing.replaceChildren(s.disposition
    ? bilingual(DISPOSITION_NAMES, s.disposition)
    : el('span', { class: 'no-routing' }, '无分流建议 ', el('small', { text: 'No routing suggested' })));
  if (s.disposition === 'divert' && s.divert_to) {
    const target = el('span', { class: 'divert' }, ' → ', bilingual(DIVERT_NAMES, s.divert_to));
    routing.append(target);
  }
  highlight(text, s.keywords);
  $('model-version').textContent = s.model_version ? `模型 model: ${s.model_version}` : '';
  renderSameIncident(s.same_incident);
  $('suggestion').hidden = false;
  renderDecision(s, probs.map(([label]) => label));
}

function newCallId() {
  return `ui-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

// Earlier calls that probably report the same incident (from the service's recent calls).
function renderSameIncident(matches) {
  const box = $('same-incident');
  box.replaceChildren();
  for (const m of matches || []) {
    const mins = Math.round(m.minutes_ago);
    const agoZh = mins < 1 ? '刚刚' : `${mins}分钟前`;
    const agoEn = mins < 1 ? 'just now' : `${mins} min ago`;
    const whereZh = m.same_grid ? '同一网格' : '附近';
    const whereEn = m.same_grid ? 'same grid' : 'nearby';
    box.append(el('div', { class: 'match', 'data-call-id': m.call_id },
      `可能与警情 ${m.call_id} 为同一事件（${agoZh}，${whereZh}）`,
      el('small', {
        text: ` probably the same as call ${m.call_id} (${agoEn}, ${whereEn}) · ` +
          `${Math.round(100 * m.score)}%`,
      })));
  }
  box.hidden = !box.childElementCount;
}

function renderDecision(s, labels) {
  state.finalCategory = s.category;
  state.finalDisposition = s.disposition;
  state.finalUrgent = Boolean(s.urgent);
  $('final-urgent').onclick = () => {
    state.finalUrgent = !state.finalUrgent;
    syncDecision();
  };
  const cats = $('final-category');
  cats.replaceChildren();
  for (const label of labels) {
    const chip = el('button', { class: 'chip', 'data-value': label, type: 'button' });
    chip.append(bilingual(CATEGORY_NAMES, label));
    if (label === s.category) chip.classList.add('suggested');
    chip.onclick = () => {
      state.finalCategory = label;
      syncDecision();
    };
    cats.append(chip);
  }
  const disps = $('final-disposition');
  disps.replaceChildren();
  const dispositions = Object.keys(DISPOSITION_NAMES);
  if (s.disposition && !dispositions.includes(s.disposition)) dispositions.push(s.disposition);
  for (const value of dispositions) {
    const chip = el('button', { class: 'chip', 'data-value': value, type: 'button' });
    chip.append(bilingual(DISPOSITION_NAMES, value));
    if (value === s.disposition) chip.classList.add('suggested');
    chip.onclick = () => {
      state.finalDisposition = value;
      syncDecision();
    };
    disps.append(chip);
  }
  const divert = $('final-divert');
  divert.replaceChildren();
  for (const [value, [zh, en]] of Object.entries(DIVERT_NAMES)) {
    divert.append(el('option', { value, text: `${zh} · ${en}` }));
  }
  divert.value = s.divert_to || '12345';
  divert.onchange = syncDecision;
  setStatus('feedback-status', '');
  $('feedback-btn').disabled = false;
  $('feedback').hidden = false;
  syncDecision();
}

function decision() {
  const s = state.suggestion;
  const divertTo = state.finalDisposition === 'divert' ? $('final-divert').value : '';
  const changed =
    state.finalCategory !== s.category ||
    state.finalDisposition !== s.disposition ||
    state.finalUrgent !== Boolean(s.urgent) ||
    (state.finalDisposition === 'divert' && divertTo !== (s.divert_to || ''));
  return { divertTo, changed };
}

function syncDecision() {
  for (const chip of $('final-category').children) {
    chip.classList.toggle('selected', chip.dataset.value === state.finalCategory);
  }
  for (const chip of $('final-disposition').children) {
    chip.classList.toggle('selected', chip.dataset.value === state.finalDisposition);
  }
  $('final-divert').hidden = state.finalDisposition !== 'divert';
  const urgent = $('final-urgent');
  urgent.classList.toggle('selected', state.finalUrgent);
  urgent.classList.toggle('urgent', state.finalUrgent);
  urgent.setAttribute('aria-pressed', String(state.finalUrgent));
  urgent.replaceChildren(state.finalUrgent ? '是 ' : '否 ',
    el('small', { text: state.finalUrgent ? 'yes' : 'no' }));
  const { changed } = decision();
  const btn = $('feedback-btn');
  // Without a suggested disposition the call taker must pick one before sending.
  if (!state.finalDisposition) {
    btn.disabled = true;
    btn.dataset.waiting = '1';
  } else if (btn.dataset.waiting) {
    btn.disabled = false;
    delete btn.dataset.waiting;
  }
  btn.classList.toggle('correct', changed);
  btn.replaceChildren(changed ? '提交更正 ' : '采纳建议 ', el('small', {
    text: changed ? 'Submit correction' : 'Accept',
  }));
}

async function classify() {
  const text = $('call-text').value.trim();
  if (!text) {
    setStatus('classify-status', '请输入警情描述 Please type a description', 'error');
    return;
  }
  const btn = $('classify-btn');
  btn.disabled = true;
  setStatus('classify-status', '研判中… Classifying…');
  try {
    const call = { call_id: newCallId(), text, received_at: new Date().toISOString() };
    const grid = $('call-grid').value.trim();
    if (grid) call.grid_id = grid;
    const [s] = await api('/classify', { calls: [call] });
    state.callId = call.call_id;
    state.suggestion = s;
    state.text = text;
    renderSuggestion(s, text);
    setStatus('classify-status', '');
  } catch (err) {
    setStatus('classify-status', `错误 Error (${err.status || '—'}): ${err.message}`, 'error');
  } finally {
    btn.disabled = false;
  }
}

async function sendFeedback() {
  const s = state.suggestion;
  if (!s) return;
  const { divertTo } = decision();
  const body = {
    call_id: state.callId || newCallId(),
    text: state.text,
    suggested_category: s.category,
    final_category: state.finalCategory,
    final_disposition: state.finalDisposition,
    final_divert_to: divertTo,
    final_urgent: state.finalUrgent,
  };
  if (s.model_version) body.model_version = s.model_version;
  const btn = $('feedback-btn');
  btn.disabled = true;
  setStatus('feedback-status', '保存中… Saving…');
  try {
    const stored = await api('/feedback', body);
    $('feedback-status').dataset.id = stored.id;
    setStatus('feedback-status', `已保存 Saved · #${stored.id}`, 'ok');
  } catch (err) {
    btn.disabled = false;
    setStatus('feedback-status', `未保存 Not saved (${err.status || '—'}): ${err.message}`, 'error');
  }
}

/* ---------------------------------------------------------------- planner */

const plan = { rows: [], grids: [], hours: [], cells: new Map(), max: 1, geo: undefined };

// A dark-friendly sequential ramp (deep blue → teal → yellow → red), readable at night.
const RAMP = [
  [0.0, [24, 32, 60]],
  [0.25, [30, 90, 140]],
  [0.5, [40, 160, 140]],
  [0.75, [240, 200, 70]],
  [1.0, [230, 60, 50]],
];
function rampRgb(value, max) {
  const t = Math.max(0, Math.min(1, max > 0 ? value / max : 0));
  for (let i = 1; i < RAMP.length; i += 1) {
    if (t <= RAMP[i][0]) {
      const [t0, c0] = RAMP[i - 1];
      const [t1, c1] = RAMP[i];
      const f = (t - t0) / (t1 - t0);
      return c0.map((v, k) => Math.round(v + f * (c1[k] - v)));
    }
  }
  return RAMP[RAMP.length - 1][1];
}
function colour(value, max) {
  const c = rampRgb(value, max);
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}
// Label ink that stays readable on any ramp colour.
function ink(value, max) {
  const [r, g, b] = rampRgb(value, max);
  return 0.299 * r + 0.587 * g + 0.114 * b > 140 ? '#111' : '#fff';
}

// Hours are shown as the service wrote them (the city's local time), not re-zoned.
function hourParts(stamp) {
  const m = /(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/.exec(stamp);
  return m ? { md: `${m[2]}-${m[3]}`, hh: Number(m[4]), text: `${m[2]}-${m[3]} ${m[4]}:00` }
    : { md: '', hh: 0, text: stamp };
}
const fmt = (v, d = 1) => Number(v).toFixed(d);

function defaultStart() {
  const now = new Date();
  now.setMinutes(0, 0, 0);
  const pad = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}:00`;
}

function showTooltip(ev, lines) {
  const tip = $('tooltip');
  tip.replaceChildren();
  lines.forEach((line, i) => {
    if (i) tip.append(el('br'));
    tip.append(i === 0 ? el('b', { text: line }) : line);
  });
  tip.hidden = false;
  const x = Math.min(ev.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
  const y = Math.min(ev.clientY + 14, window.innerHeight - tip.offsetHeight - 8);
  tip.style.left = `${x}px`;
  tip.style.top = `${y}px`;
}
const hideTooltip = () => { $('tooltip').hidden = true; };

function gridLabel(gridId) {
  const f = plan.geo && plan.geo.byId.get(gridId);
  const name = f && f.properties && f.properties.name;
  return name && name !== gridId ? `${gridId} ${name}` : gridId;
}

function cellLines(gridId, hour) {
  const c = plan.cells.get(`${gridId}|${hour}`);
  if (!c) return [gridLabel(gridId), hourParts(hour).text, '无数据 no data'];
  return [
    gridLabel(gridId),
    hourParts(hour).text,
    `预计 expected ${fmt(c.mean, 2)}`,
    `p10–p90 ${fmt(c.p10, 2)} – ${fmt(c.p90, 2)} (p50 ${fmt(c.p50, 2)})`,
  ];
}

function ingest(rows) {
  plan.rows = rows;
  plan.cells = new Map(rows.map((r) => [`${r.grid_id}|${r.hour}`, r]));
  plan.hours = [...new Set(rows.map((r) => r.hour))].sort();
  const totals = new Map();
  for (const r of rows) totals.set(r.grid_id, (totals.get(r.grid_id) || 0) + r.mean);
  plan.grids = [...totals.keys()].sort((a, b) => totals.get(b) - totals.get(a));
  plan.max = Math.max(1e-9, ...rows.map((r) => r.mean));
}

function drawHeatmap() {
  const canvas = $('heatmap');
  const wrap = $('heatmap-wrap');
  const ctx = canvas.getContext('2d');
  ctx.font = '12px sans-serif';
  const labelW = Math.min(220, Math.max(70,
    ...plan.grids.map((g) => ctx.measureText(gridLabel(g)).width + 10)));
  const headerH = 34;
  const nH = plan.hours.length;
  const nG = plan.grids.length;
  const width = Math.max(wrap.clientWidth, labelW + nH * 4);
  const cellW = (width - labelW) / nH;
  const rowH = Math.max(8, Math.min(22, Math.floor(720 / Math.max(nG, 1))));
  const height = headerH + nG * rowH;
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const css = getComputedStyle(document.body);
  ctx.clearRect(0, 0, width, height);
  ctx.font = `${Math.min(12, rowH - 1)}px sans-serif`;
  ctx.textBaseline = 'middle';
  ctx.fillStyle = css.color;

  // Hour axis: a tick per 3 h for a day, per day (with 12:00 ticks) for a week.
  const step = nH <= 48 ? 3 : 24;
  plan.hours.forEach((hour, i) => {
    const p = hourParts(hour);
    if (p.hh % step === 0 || (step === 24 && i === 0)) {
      const x = labelW + i * cellW;
      ctx.fillText(step === 24 ? p.md : `${String(p.hh).padStart(2, '0')}h`, x + 1, 10);
      ctx.fillRect(x, 18, 1, headerH - 20);
    }
  });
  plan.grids.forEach((gridId, gi) => {
    const y = headerH + gi * rowH;
    if (rowH >= 8) ctx.fillText(gridLabel(gridId), 2, y + rowH / 2, labelW - 6);
    plan.hours.forEach((hour, hi) => {
      const c = plan.cells.get(`${gridId}|${hour}`);
      ctx.fillStyle = c ? colour(c.mean, plan.max) : '#333';
      ctx.fillRect(labelW + hi * cellW, y, Math.ceil(cellW), rowH - (rowH > 9 ? 1 : 0));
    });
    ctx.fillStyle = css.color;
  });
  // Current map hour, outlined.
  const sel = Number($('hour-slider').value);
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = 1.5;
  ctx.strokeRect(labelW + sel * cellW, headerH, Math.max(cellW, 2), nG * rowH);

  const locate = (ev) => {
    const r = canvas.getBoundingClientRect();
    const hi = Math.floor((ev.clientX - r.left - labelW) / cellW);
    const gi = Math.floor((ev.clientY - r.top - headerH) / rowH);
    return hi >= 0 && hi < nH && gi >= 0 && gi < nG ? { hi, gi } : null;
  };
  canvas.onmousemove = (ev) => {
    const at = locate(ev);
    if (at) showTooltip(ev, cellLines(plan.grids[at.gi], plan.hours[at.hi]));
    else hideTooltip();
  };
  canvas.onmouseleave = hideTooltip;
  canvas.onclick = (ev) => {
    const at = locate(ev);
    if (at) {
      $('hour-slider').value = at.hi;
      onHourChange();
    }
  };
  const legend = $('heat-legend');
  const ramp = el('div', { class: 'ramp' });
  ramp.style.background = `linear-gradient(90deg, ${RAMP.map(([t]) => colour(t, 1)).join(',')})`;
  legend.replaceChildren('0', ramp, `${fmt(plan.max, 2)} 起/小时 calls per hour`);
}

/* Map: grid polygons projected equirectangularly (cos-latitude corrected), in SVG. */
const SVG_NS = 'http://www.w3.org/2000/svg';
const svgEl = (tag, attrs = {}) => {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
};

function rings(geometry) {
  if (!geometry) return [];
  if (geometry.type === 'Polygon') return [geometry.coordinates];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates;
  return [];
}
const pointOf = (geometry) =>
  (geometry && geometry.type === 'Point' ? geometry.coordinates : null);

async function loadGrids() {
  if (plan.geo !== undefined) return plan.geo;
  try {
    const fc = await api('/grids');
    const features = (fc.features || []).filter((f) => f && f.properties);
    const byId = new Map(features.map((f) => [String(f.properties.grid_id), f]));
    const polygons = features.filter((f) => rings(f.geometry).length);
    const points = features.filter((f) => pointOf(f.geometry));
    plan.geo = { byId, polygons, points };
  } catch (err) {
    if (err.status === 401) throw err;
    plan.geo = null; // no geometry at all: the map falls back to a tile layout
  }
  return plan.geo;
}

// Fit lon/lat into the drawing, equirectangular with the cos-latitude correction.
function projection(coords, W, H, pad) {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of coords) {
    minX = Math.min(minX, x); maxX = Math.max(maxX, x);
    minY = Math.min(minY, y); maxY = Math.max(maxY, y);
  }
  const kx = Math.cos(((minY + maxY) / 2) * Math.PI / 180) || 1;
  const spanX = (maxX - minX) * kx || 1e-9;
  const spanY = (maxY - minY) || 1e-9;
  const scale = Math.min((W - 2 * pad) / spanX, (H - 2 * pad) / spanY);
  const ox = (W - spanX * scale) / 2;
  const oy = (H - spanY * scale) / 2;
  return ([x, y]) => [ox + (x - minX) * kx * scale, H - oy - (y - minY) * scale];
}

// Area-weighted centroid of a ring (shoelace); the vertex mean drifts toward curved edges.
function centroid(points) {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < points.length; i += 1) {
    const [x0, y0] = points[i];
    const [x1, y1] = points[(i + 1) % points.length];
    const cross = x0 * y1 - x1 * y0;
    a += cross;
    cx += (x0 + x1) * cross;
    cy += (y0 + y1) * cross;
  }
  if (Math.abs(a) < 1e-9) {
    const mean = (k) => points.reduce((t, p) => t + p[k], 0) / points.length;
    return [mean(0), mean(1)];
  }
  return [cx / (3 * a), cy / (3 * a)];
}

function mapLabel(x, y, size, v, text) {
  const label = svgEl('text', {
    x: x.toFixed(1), y: y.toFixed(1), 'text-anchor': 'middle', 'dominant-baseline': 'middle',
    fill: v === null ? '#fff' : ink(v, plan.max), 'font-size': size.toFixed(0),
  });
  label.textContent = text;
  return label;
}

function drawMap() {
  const W = 800;
  const H = 600;
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img' });
  const hour = plan.hours[Number($('hour-slider').value)];
  const valueOf = (gridId) => {
    const c = plan.cells.get(`${gridId}|${hour}`);
    return c ? c.mean : null;
  };
  const fillOf = (v) => (v === null ? '#2a3440' : colour(v, plan.max));
  const hover = (node, gridId) => {
    node.addEventListener('mousemove', (ev) => showTooltip(ev, cellLines(gridId, hour)));
    node.addEventListener('mouseleave', hideTooltip);
  };
  const geo = plan.geo;
  const note = '颜色 = 该小时预计警情量 colour = expected calls in that hour';
  if (geo && geo.polygons.length) {
    const px = projection(
      geo.polygons.flatMap((f) => rings(f.geometry).flatMap((poly) => poly[0])), W, H, 10);
    for (const f of geo.polygons) {
      const gridId = String(f.properties.grid_id);
      const outer = []; // projected outer-ring points: label position and size
      let d = '';
      for (const poly of rings(f.geometry)) {
        poly.forEach((ring, ri) => {
          const pts = ring.map(px);
          if (ri === 0) outer.push(...pts.slice(0, -1));
          d += `${pts.map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`).join('')}Z`;
        });
      }
      const v = valueOf(gridId);
      const path = svgEl('path', { d, 'fill-rule': 'evenodd', 'data-grid': gridId, fill: fillOf(v) });
      hover(path, gridId);
      svg.append(path);
      if (outer.length) {
        const xs = outer.map((p) => p[0]);
        const ys = outer.map((p) => p[1]);
        const side = Math.min(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
        const [cx, cy] = centroid(outer);
        // Labels only where they fit: the value from ~25 px cells, the name from ~110 px.
        const size = Math.max(8, Math.min(24, side / 4.5));
        const named = side > 110;
        if (v !== null && side > 25) {
          svg.append(mapLabel(cx, named ? cy - size * 0.35 : cy, size, v, fmt(v, 1)));
        }
        const name = f.properties.name && f.properties.name !== gridId
          ? `${gridId} ${f.properties.name}` : gridId;
        if (named) svg.append(mapLabel(cx, cy + size * 0.75, size * 0.55, v, name));
      }
    }
    $('map-note').textContent = `${geo.polygons.length} 个网格 grids · ${note}`;
  } else if (geo && geo.points.length) {
    // Only centroids are known: a dot per grid at its place, sized for legibility.
    const px = projection(geo.points.map((f) => pointOf(f.geometry)), W, H, 40);
    const at = geo.points.map((f) => px(pointOf(f.geometry)));
    geo.points.forEach((f, i) => {
      // Each dot is as large as its nearest neighbour allows, so dense centres stay legible.
      const [x, y] = at[i];
      let nearest = Infinity;
      at.forEach(([x2, y2], j) => {
        if (j !== i) nearest = Math.min(nearest, Math.hypot(x2 - x, y2 - y));
      });
      const r = Math.max(5, Math.min(34, nearest * 0.48));
      const gridId = String(f.properties.grid_id);
      const v = valueOf(gridId);
      const dot = svgEl('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: r.toFixed(1),
        'data-grid': gridId, fill: fillOf(v) });
      hover(dot, gridId);
      svg.append(dot);
      if (v !== null && r >= 11) svg.append(mapLabel(x, y, Math.min(16, r / 1.9), v, fmt(v, 1)));
    });
    $('map-note').textContent = `网格中心点 grid centroids (no polygons) · ${note}`;
  } else {
    // No geometry: tidy tiles in grid-id order, so the picture still reads at a glance.
    const ids = [...plan.grids].sort();
    const cols = Math.ceil(Math.sqrt(ids.length * (W / H)));
    const rowsN = Math.ceil(ids.length / cols);
    const size = Math.min((W - 20) / cols, (H - 20) / rowsN);
    ids.forEach((gridId, i) => {
      const x = 10 + (i % cols) * size;
      const y = 10 + Math.floor(i / cols) * size;
      const v = valueOf(gridId);
      const rect = svgEl('rect', { x, y, width: size - 2, height: size - 2, rx: 3,
        'data-grid': gridId, fill: fillOf(v) });
      hover(rect, gridId);
      svg.append(rect, mapLabel(x + size / 2, y + size / 2, Math.max(7, Math.min(16, size / 4)),
        v, gridId));
    });
    $('map-note').textContent = `未提供网格边界，按编号平铺 no grid geometry: tiles by grid id · ${note}`;
  }
  $('map').replaceChildren(svg);
}

function drawTopGrids() {
  // The next fixed 8-hour shift (00/08/16 h) that starts at or after the forecast start.
  let first = plan.hours.findIndex((h) => hourParts(h).hh % 8 === 0);
  if (first < 0 || first + 8 > plan.hours.length) first = 0;
  const shift = plan.hours.slice(first, first + 8);
  const endHour = (hourParts(shift[0]).hh + shift.length) % 24;
  $('shift-title').textContent =
    `Top grids, next shift ${hourParts(shift[0]).text}–${String(endHour).padStart(2, '0')}:00`;
  const stats = plan.grids.map((gridId) => {
    const s = { gridId, mean: 0, p10: 0, p90: 0, peak: null };
    for (const hour of shift) {
      const c = plan.cells.get(`${gridId}|${hour}`);
      if (!c) continue;
      s.mean += c.mean; s.p10 += c.p10; s.p90 += c.p90;
      if (!s.peak || c.mean > s.peak.mean) s.peak = c;
    }
    return s;
  }).sort((a, b) => b.mean - a.mean).slice(0, 10);
  const maxMean = Math.max(1e-9, ...stats.map((s) => s.mean));
  const body = $('top-grids').querySelector('tbody');
  body.replaceChildren();
  for (const s of stats) {
    const sw = el('span', { class: 'swatch' });
    sw.style.background = colour(s.mean, maxMean);
    body.append(el('tr', { 'data-grid': s.gridId },
      el('td', {}, sw, gridLabel(s.gridId)),
      el('td', { class: 'num', text: fmt(s.mean, 1) }),
      el('td', { text: `${fmt(s.p10, 1)} – ${fmt(s.p90, 1)}` }),
      el('td', { class: 'num', text: s.peak && s.peak.mean > 0 ? `${String(hourParts(s.peak.hour).hh).padStart(2, '0')}:00` : '—' }),
    ));
  }
}

// The forecast model can only answer inside its window; /readyz says which (open route).
async function initForecastWindow() {
  const input = $('fc-start');
  input.value = defaultStart();
  let model = null;
  try {
    const resp = await fetch(`${API_BASE}/readyz`, { headers: { Accept: 'application/json' } });
    const body = await resp.json();
    model = body.models && body.models.forecast;
  } catch {
    return;
  }
  if (!model || !model.earliest_start) return;
  const earliest = model.earliest_start.slice(0, 16);
  const latest = (model.latest_end || '').slice(0, 16);
  input.min = earliest;
  if (latest) input.max = latest;
  if (input.value < earliest || (latest && input.value >= latest)) input.value = earliest;
  $('fc-window').textContent = `可预测 forecastable ${earliest.replace('T', ' ')} – ${
    latest ? latest.replace('T', ' ') : '…'} · ${model.version || ''}`;
}

function onHourChange() {
  const hour = plan.hours[Number($('hour-slider').value)];
  $('hour-label').textContent = hour ? hourParts(hour).text : '';
  drawMap();
  drawHeatmap();
}

let windowReady = Promise.resolve();

async function loadForecast(hours) {
  await windowReady;
  const start = $('fc-start').value || defaultStart();
  for (const b of document.querySelectorAll('[data-hours]')) b.disabled = true;
  setStatus('forecast-status', '预测中… Forecasting…');
  try {
    const rows = await api('/forecast', { start: start.length === 16 ? `${start}:00` : start, hours });
    if (!rows.length) throw new ApiError(0, '没有返回预测 The forecast came back empty');
    await loadGrids();
    ingest(rows);
    $('planner-body').hidden = false;
    const slider = $('hour-slider');
    slider.max = plan.hours.length - 1;
    slider.value = 0;
    $('hour-label').textContent = hourParts(plan.hours[0]).text;
    drawHeatmap();
    drawMap();
    drawTopGrids();
    setStatus('forecast-status',
      `${plan.grids.length} 个网格 grids × ${plan.hours.length} 小时 hours`, 'ok');
  } catch (err) {
    setStatus('forecast-status', `错误 Error (${err.status || '—'}): ${err.message}`, 'error');
  } finally {
    for (const b of document.querySelectorAll('[data-hours]')) b.disabled = false;
  }
}

/* ---------------------------------------------------------------- wiring */

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

document.addEventListener('DOMContentLoaded', () => {
  applyTheme(localStorage.getItem(THEME_KEY) || 'dark');
  $('theme-btn').addEventListener('click', () => {
    applyTheme(document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark');
  });
  for (const tab of document.querySelectorAll('.tab[data-panel]')) {
    tab.addEventListener('click', () => showPanel(tab.dataset.panel));
  }
  $('classify-btn').addEventListener('click', classify);
  $('call-text').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) classify();
  });
  $('feedback-btn').addEventListener('click', sendFeedback);
  windowReady = initForecastWindow();
  for (const b of document.querySelectorAll('[data-hours]')) {
    b.addEventListener('click', () => loadForecast(Number(b.dataset.hours)));
  }
  $('hour-slider').addEventListener('input', onHourChange);
  window.addEventListener('resize', () => { if (plan.rows.length) drawHeatmap(); });
  $('call-text').focus();
});

// ---- Model health panel (GET /monitor) -------------------------------------------------
// Its own section: what moved since training and how often call takers kept the
// suggestion, in the monitor's own words. Text is set with textContent only.
async function loadHealth() {
  const status = $('health-status');
  const list = $('health-alerts');
  try {
    const resp = await fetch(`${API_BASE}/monitor`, { headers: { Accept: 'application/json' } });
    if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
    const body = await resp.json();
    list.replaceChildren();
    for (const alert of body.alerts || []) {
      const item = document.createElement('li');
      item.textContent = alert.message;
      list.append(item);
    }
    status.textContent = body.alert ? `⚠ ${body.alerts.length} 项告警 alerts` : '✓ 正常 No alert';
    status.className = `health-status ${body.alert ? 'bad' : 'good'}`;
    const bits = [];
    const drift = body.drift;
    if (drift) bits.push(`近${body.model.window_days || 7}天建议 ${drift.n} 条 suggestions`);
    const agree = body.agreement;
    if (agree && agree.n) {
      bits.push(`采纳率 kept ${(agree.accuracy * 100).toFixed(0)} % of ${agree.n} corrections`);
    }
    if (body.model && body.model.note) bits.push(body.model.note);
    $('health-figures').textContent = bits.join(' · ') || '暂无数据 No data yet';
  } catch (err) {
    status.textContent = `不可用 unavailable (${err.message})`;
    status.className = 'health-status muted';
  }
}

document.addEventListener('DOMContentLoaded', () => {
  $('health-btn').addEventListener('click', loadHealth);
  loadHealth();
});
