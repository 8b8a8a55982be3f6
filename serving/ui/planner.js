/* Jingqing console, planner's view: where and when calls will come, and how sure we are.
 *
 * Two answers of POST /forecast for the same window: per hour, and per 8-hour shift
 * (`"by": "shift"`, whose interval is that of the shift total, from the count distribution).
 * The heat map, the map and the slider show either; the top-grids table always uses the
 * shift totals. Times are shown as the service wrote them (the city's local time), with
 * the weekday. Exports: export.js.
 */
'use strict';

const plan = {
  mode: 'hour', rows: [], grids: [], geo: undefined,
  cols: { hour: [], shift: [] }, cells: { hour: new Map(), shift: new Map() },
  byCol: { hour: new Map(), shift: new Map() }, max: { hour: 1, shift: 1 },
};
const fmt = (v, d = 1) => Number(v).toFixed(d);
const pad2 = (n) => String(n).padStart(2, '0');

function hourParts(stamp) {
  const m = /(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/.exec(stamp);
  if (!m) return { md: '', hh: 0, wd: '', day: stamp, text: stamp };
  const weekday = t('weekdays').split(',')[new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).getUTCDay()];
  const day = `${m[2]}-${m[3]} ${weekday}`;
  return { md: `${m[2]}-${m[3]}`, hh: Number(m[4]), wd: weekday, day, text: `${day} ${m[4]}:00` };
}

/** "12-01 周二 08:00" for an hour; "12-01 周二 08:00–16:00" for a shift (and how much is in). */
function columnText(col, mode = plan.mode) {
  if (!col) return '';
  const p = hourParts(col.key);
  if (mode === 'hour') return p.text;
  const end = `${pad2((p.hh + 8) % 24)}:00`;
  return `${p.text}–${end}${col.hours < 8 ? t('plan.shift.partial', { h: col.hours }) : ''}`;
}

function defaultStart() {
  const now = new Date();
  now.setMinutes(0, 0, 0);
  return `${now.getFullYear()}-${pad2(now.getMonth() + 1)}-${pad2(now.getDate())}T${pad2(now.getHours())}:00`;
}

function ingest(hourRows, shiftRows) {
  plan.rows = hourRows;
  plan.shiftRows = shiftRows;
  for (const [mode, rows, key] of [['hour', hourRows, 'hour'], ['shift', shiftRows, 'shift_start']]) {
    plan.cells[mode] = new Map(rows.map((r) => [`${r.grid_id}|${r[key]}`, r]));
    const hours = new Map(rows.map((r) => [r[key], r.hours || 1]));
    plan.cols[mode] = [...hours.keys()].sort().map((k) => ({ key: k, hours: hours.get(k) }));
    plan.max[mode] = Math.max(1e-9, ...rows.map((r) => r.mean));
  }
  const totals = new Map();
  for (const r of hourRows) totals.set(r.grid_id, (totals.get(r.grid_id) || 0) + r.mean);
  plan.grids = [...totals.keys()].sort((a, b) => totals.get(b) - totals.get(a));
}

const columns = () => plan.cols[plan.mode];
const selectedColumn = () => columns()[Number($('hour-slider').value)];
const cellOf = (gridId, col, mode = plan.mode) => col && plan.cells[mode].get(`${gridId}|${col.key}`);

function cellLines(gridId, col) {
  const c = cellOf(gridId, col);
  if (!c) return [gridLabel(gridId), columnText(col), t('plan.tip.none')];
  return [
    gridLabel(gridId),
    columnText(col),
    t('plan.tip.expected', { v: fmt(c.mean, 2) }),
    t('plan.tip.range', { p10: fmt(c.p10, 2), p90: fmt(c.p90, 2), p50: fmt(c.p50, 2) }),
  ];
}

/** Heat map on a canvas: a row per grid (busiest first), a column per hour or shift. */
function drawHeatmap(canvas = $('heatmap'), width = $('heatmap-wrap').clientWidth, background = null) {
  const ctx = canvas.getContext('2d');
  const cols = columns();
  ctx.font = '12px sans-serif';
  const labelW = Math.min(220, Math.max(70,
    ...plan.grids.map((g) => ctx.measureText(gridLabel(g)).width + 10)));
  const headerH = 40;
  const nC = cols.length;
  const nG = plan.grids.length;
  const w = Math.max(width, labelW + nC * 4);
  const cellW = (w - labelW) / nC;
  const rowH = Math.max(8, Math.min(22, Math.floor(720 / Math.max(nG, 1))));
  const h = headerH + nG * rowH;
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  canvas.style.width = `${w}px`;
  canvas.style.height = `${h}px`;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const css = getComputedStyle(document.body);
  ctx.clearRect(0, 0, w, h);
  if (background) {
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, w, h);
  }
  ctx.textBaseline = 'middle';
  ctx.fillStyle = css.color;
  // Two header lines: the date with its weekday where a day starts, then the hour ticks.
  const tickEvery = plan.mode === 'shift' ? 1 : (nC <= 48 ? 3 : 24);
  let lastDay = '';
  cols.forEach((col, i) => {
    const p = hourParts(col.key);
    const x = labelW + i * cellW;
    ctx.font = '12px sans-serif';
    if (p.day !== lastDay) {
      const room = Math.min(cellW * (plan.mode === 'shift' ? 3 : 24) - 4, w - x - 4);
      if (room >= 24) ctx.fillText(p.day, x + 2, 9, room);
      ctx.fillRect(x, 2, 1, headerH - 4);
      lastDay = p.day;
    }
    if (tickEvery < 24 && p.hh % tickEvery === 0 && cellW * tickEvery >= 18) {
      ctx.font = '11px sans-serif';
      ctx.fillText(`${pad2(p.hh)}`, x + 2, 27);
      ctx.fillRect(x, 20, 1, headerH - 22);
    }
  });
  ctx.font = `${Math.min(12, rowH - 1)}px sans-serif`;
  plan.grids.forEach((gridId, gi) => {
    const y = headerH + gi * rowH;
    ctx.fillText(gridLabel(gridId), 2, y + rowH / 2, labelW - 6);
    cols.forEach((col, ci) => {
      const c = cellOf(gridId, col);
      ctx.fillStyle = c ? colour(c.mean, plan.max[plan.mode]) : '#333';
      ctx.fillRect(labelW + ci * cellW, y, Math.ceil(cellW), rowH - (rowH > 9 ? 1 : 0));
    });
    ctx.fillStyle = css.color;
  });
  if (canvas.id !== 'heatmap') return; // an export: no selection outline, no handlers
  const sel = Number($('hour-slider').value);
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = 1.5;
  ctx.strokeRect(labelW + sel * cellW, headerH, Math.max(cellW, 2), nG * rowH);

  const locate = (ev) => {
    const r = canvas.getBoundingClientRect();
    const ci = Math.floor((ev.clientX - r.left - labelW) / cellW);
    const gi = Math.floor((ev.clientY - r.top - headerH) / rowH);
    return ci >= 0 && ci < nC && gi >= 0 && gi < nG ? { ci, gi } : null;
  };
  canvas.onmousemove = (ev) => {
    const at = locate(ev);
    if (at) showTooltip(ev, cellLines(plan.grids[at.gi], cols[at.ci]));
    else hideTooltip();
  };
  canvas.onmouseleave = hideTooltip;
  canvas.onclick = (ev) => {
    const at = locate(ev);
    if (at) {
      $('hour-slider').value = at.ci;
      onColumnChange();
    }
  };
  const ramp = el('div', { class: 'ramp' });
  ramp.style.background = `linear-gradient(90deg, ${RAMP.map(([v]) => colour(v, 1)).join(',')})`;
  $('heat-legend').replaceChildren('0', ramp, `${fmt(plan.max[plan.mode], 2)} ${t(`plan.unit.${plan.mode}`)}`);
  $('heat-title').textContent = t(`plan.heat.${plan.mode}`);
}

/** The shift (from the shift answer) that holds the selected hour or is the selected shift. */
function tableShift() {
  const col = selectedColumn();
  if (!col) return null;
  if (plan.mode === 'shift') return col;
  const at = Date.parse(col.key);
  return plan.cols.shift.find((s) => {
    const from = Date.parse(s.key);
    return from <= at && at < from + s.hours * 3600e3;
  }) || plan.cols.shift[0];
}

function drawTopGrids() {
  const shift = tableShift();
  const body = $('top-grids').querySelector('tbody');
  body.replaceChildren();
  if (!shift) return;
  $('shift-title').textContent = t('plan.top', { shift: columnText(shift, 'shift') });
  const from = Date.parse(shift.key);
  const stats = plan.grids.map((gridId) => {
    const c = cellOf(gridId, shift, 'shift');
    let peak = null;
    for (const r of plan.rows) {
      const at = Date.parse(r.hour);
      if (r.grid_id === gridId && at >= from && at < from + shift.hours * 3600e3
        && (!peak || r.mean > peak.mean)) peak = r;
    }
    return { gridId, c, peak };
  }).filter((s) => s.c).sort((a, b) => b.c.mean - a.c.mean).slice(0, 10);
  const maxMean = Math.max(1e-9, ...stats.map((s) => s.c.mean));
  for (const s of stats) {
    const sw = el('span', { class: 'swatch' });
    sw.style.background = colour(s.c.mean, maxMean);
    body.append(el('tr', { 'data-grid': s.gridId },
      el('td', { class: 'data' }, sw, gridLabel(s.gridId)),
      el('td', { class: 'num', text: fmt(s.c.mean, 1) }),
      el('td', { text: `${fmt(s.c.p10, 0)} – ${fmt(s.c.p90, 0)}` }),
      el('td', { class: 'num', text: s.peak && s.peak.mean > 0 ? `${pad2(hourParts(s.peak.hour).hh)}:00` : '—' }),
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
  plan.window = { from: earliest.replace('T', ' '), to: latest ? latest.replace('T', ' ') : '…', version: model.version || '' };
  $('fc-window').textContent = t('plan.window', plan.window);
}

function drawPlanner() {
  const slider = $('hour-slider');
  slider.max = columns().length - 1;
  $('hour-label').textContent = columnText(selectedColumn());
  for (const b of document.querySelectorAll('[data-mode]')) {
    b.classList.toggle('selected', b.dataset.mode === plan.mode);
    b.setAttribute('aria-pressed', String(b.dataset.mode === plan.mode));
  }
  drawHeatmap();
  drawMap();
  drawTopGrids();
  const n = columns().length;
  setStatus('forecast-status', t(`plan.done.${plan.mode}`, { grids: plan.grids.length, n }), 'ok');
}

function onColumnChange() {
  $('hour-label').textContent = columnText(selectedColumn());
  drawMap();
  drawHeatmap();
  drawTopGrids();
}

/** Switch between hours and shift totals, keeping the time on screen. */
function setMode(mode) {
  if (mode === plan.mode || !plan.rows.length) return;
  const col = selectedColumn();
  const shift = tableShift();
  plan.mode = mode;
  const key = mode === 'shift' ? shift && shift.key : col && col.key;
  const at = mode === 'hour' && col ? plan.cols.hour.findIndex((h) => Date.parse(h.key) >= Date.parse(key)) : columns().findIndex((c) => c.key === key);
  $('hour-slider').value = Math.max(0, at);
  drawPlanner();
}

let windowReady = Promise.resolve();

async function loadForecast(hours) {
  await windowReady;
  const value = $('fc-start').value || defaultStart();
  const start = value.length === 16 ? `${value}:00` : value;
  for (const b of document.querySelectorAll('[data-hours]')) b.disabled = true;
  setStatus('forecast-status', t('plan.forecasting'));
  try {
    const [hourRows, shiftRows] = await Promise.all([
      api('/forecast', { start, hours }), api('/forecast', { start, hours, by: 'shift' })]);
    if (!hourRows.length) throw new ApiError(0, t('plan.empty'));
    await loadGrids();
    ingest(hourRows, shiftRows);
    plan.request = { start, hours };
    $('planner-body').hidden = false;
    $('hour-slider').value = 0;
    drawPlanner();
  } catch (err) {
    setStatus('forecast-status', errorText(err), 'error');
  } finally {
    for (const b of document.querySelectorAll('[data-hours]')) b.disabled = false;
  }
}

function initPlanner() {
  windowReady = initForecastWindow();
  for (const b of document.querySelectorAll('[data-hours]')) {
    b.addEventListener('click', () => loadForecast(Number(b.dataset.hours)));
  }
  for (const b of document.querySelectorAll('[data-mode]')) {
    b.addEventListener('click', () => setMode(b.dataset.mode));
  }
  $('hour-slider').addEventListener('input', onColumnChange);
  window.addEventListener('resize', () => { if (plan.rows.length) drawHeatmap(); });
  languageListeners.push(() => {
    if (plan.window) $('fc-window').textContent = t('plan.window', plan.window);
    if (plan.rows.length) drawPlanner();
  });
}
