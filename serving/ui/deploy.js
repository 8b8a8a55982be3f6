/* Jingqing console, planner view: patrol deployment from POST /plan.
 *
 * Kept apart from app.js; it reuses app.js's helpers ($, api, loadGrids, projection, rings,
 * centroid, svgEl, showTooltip, hideTooltip). The card is added to the planner panel: a
 * roster control (units per shift, or roster rows "shift,units[,kind][,grid_id]"), the
 * target and standby share, and a map of the grids coloured by the expected share of
 * calls reached within the target, with units per grid and the standby posts starred.
 */
'use strict';

const deploy = { rows: [], shift: 1, target: 5 };

function deployCard() {
  const card = document.createElement('div');
  card.className = 'card deploy';
  card.id = 'deploy-card';
  card.innerHTML = `
    <div class="label">勤务部署方案 <small>Patrol plan — units per grid so calls are reached
      within the target</small></div>
    <div class="row wrap">
      <label class="muted" for="dp-units">每班警力 <small>Units per shift</small></label>
      <input id="dp-units" type="number" min="1" value="120" class="dp-num">
      <label class="muted" for="dp-shifts">班次 <small>Shifts</small></label>
      <input id="dp-shifts" type="number" min="1" max="21" value="3" class="dp-num">
      <label class="muted" for="dp-target">目标分钟 <small>Target min</small></label>
      <input id="dp-target" type="number" min="1" max="120" step="0.5" value="5" class="dp-num">
      <label class="muted" for="dp-standby">备勤比例 <small>Standby %</small></label>
      <input id="dp-standby" type="number" min="0" max="90" value="33" class="dp-num">
      <button id="dp-run" class="primary">生成方案 <small>Plan</small></button>
      <span id="dp-status" class="status" role="status"></span>
    </div>
    <details class="dp-roster">
      <summary class="muted small">按排班表 <small>Use a roster instead (one row per line:
        shift,units[,kind][,grid_id])</small></summary>
      <textarea id="dp-roster" rows="4" placeholder="1,120&#10;2,90&#10;3,60,car&#10;1,4,foot,G01"></textarea>
    </details>
    <div id="dp-body" hidden>
      <div id="dp-shifts-bar" class="chips" role="tablist"></div>
      <div class="grid-2">
        <div id="dp-map" class="map" aria-label="map of share within target"></div>
        <div>
          <div id="dp-summary" class="dp-summary"></div>
          <table id="dp-table" class="table">
            <thead><tr>
              <th>网格 <small>Grid</small></th><th class="num">警力 <small>Units</small></th>
              <th class="num">预计 <small>Calls</small></th>
              <th class="num">达标率 <small>Within</small></th>
              <th class="num">p90 <small>min</small></th></tr></thead>
            <tbody></tbody>
          </table>
        </div>
      </div>
    </div>`;
  return card;
}

function rosterRows(text) {
  const rows = [];
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    const parts = line.split(',').map((p) => p.trim());
    if (!parts[0] || parts[0].toLowerCase() === 'shift') continue;
    const row = { shift: Number(parts[0]), units: Number(parts[1]) };
    if (parts[2]) row.kind = parts[2];
    if (parts[3]) row.grid_id = parts[3];
    if (!Number.isInteger(row.shift) || !Number.isInteger(row.units)) {
      throw new ApiError(0, `排班表第${i + 1}行 roster line ${i + 1}: shift and units must be whole numbers`);
    }
    rows.push(row);
  }
  return rows;
}

function shareColour(share) {
  // red (≤50 %) → yellow (75 %) → green (100 %)
  const t = Math.max(0, Math.min(1, (share - 0.5) / 0.5));
  const r = t < 0.5 ? 220 : Math.round(220 - (t - 0.5) * 2 * 180);
  const g = t < 0.5 ? Math.round(60 + t * 2 * 140) : 200;
  return `rgb(${r},${g},70)`;
}

async function runPlan() {
  setStatus('dp-status', '计算中… Planning…');
  try {
    const start = $('fc-start').value;
    const body = {
      shifts: Number($('dp-shifts').value),
      target_minutes: Number($('dp-target').value),
      standby_share: Number($('dp-standby').value) / 100,
    };
    if (start) body.start = start.length === 16 ? `${start}:00` : start;
    const roster = $('dp-roster').value.trim();
    if (roster) body.roster = rosterRows(roster);
    else body.units = Number($('dp-units').value);
    deploy.rows = await api('/plan', body);
    deploy.target = body.target_minutes;
    deploy.shift = 1;
    await loadGrids();
    drawDeploy();
    $('dp-body').hidden = false;
    setStatus('dp-status', `${deploy.rows.length} 行 rows`, 'ok');
  } catch (err) {
    setStatus('dp-status', `错误 Error (${err.status || '—'}): ${err.message}`, 'error');
  }
}

function drawDeploy() {
  const shifts = [...new Set(deploy.rows.map((r) => r.shift))];
  const bar = $('dp-shifts-bar');
  bar.replaceChildren(...shifts.map((s) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = `chip${s === deploy.shift ? ' active' : ''}`;
    b.textContent = `班次 ${s}`;
    b.addEventListener('click', () => { deploy.shift = s; drawDeploy(); });
    return b;
  }));
  const rows = deploy.rows.filter((r) => r.shift === deploy.shift);
  const byGrid = new Map(rows.map((r) => [r.grid_id, r]));
  const calls = rows.reduce((t, r) => t + r.expected_calls, 0);
  const within = rows.reduce((t, r) => t + r.expected_calls * r.share_within_target, 0);
  const units = rows.reduce((t, r) => t + r.units, 0);
  const standby = rows.reduce((t, r) => t + r.standby_units, 0);
  const posts = rows.filter((r) => r.standby).map((r) => r.grid_id);
  $('dp-summary').textContent = `${rows[0] ? rows[0].shift_start.slice(0, 16).replace('T', ' ') : ''}: `
    + `${(100 * within / Math.max(calls, 1e-9)).toFixed(1)}% 预计在${deploy.target}分钟内到达 `
    + `of ${calls.toFixed(0)} expected calls within ${deploy.target} min · 巡逻 ${units} patrol, `
    + `备勤 ${standby} standby at ${posts.join(', ') || '—'}`;
  const body = $('dp-table').querySelector('tbody');
  body.replaceChildren(...[...rows].sort((a, b) => a.share_within_target - b.share_within_target)
    .slice(0, 12).map((r) => {
      const tr = document.createElement('tr');
      for (const [v, num] of [[r.grid_id + (r.standby ? ' ★' : ''), false], [r.units, true],
        [r.expected_calls.toFixed(1), true], [`${(100 * r.share_within_target).toFixed(0)}%`, true],
        [r.p90_response_min.toFixed(1), true]]) {
        const td = document.createElement('td');
        td.textContent = String(v);
        if (num) td.className = 'num';
        tr.append(td);
      }
      return tr;
    }));
  const W = 800;
  const H = 600;
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img' });
  const geo = deploy.geo || plan.geo;
  if (geo && geo.polygons.length) {
    const all = geo.polygons.flatMap((f) => rings(f.geometry).flatMap((poly) => poly[0]));
    const proj = projection(all, W, H, 16);
    for (const f of geo.polygons) {
      const gid = String(f.properties.grid_id);
      const r = byGrid.get(gid);
      for (const poly of rings(f.geometry)) {
        const pts = poly[0].map(proj);
        const path = svgEl('polygon', {
          points: pts.map((p) => p.map((v) => v.toFixed(1)).join(',')).join(' '),
          fill: r ? shareColour(r.share_within_target) : '#2a3440',
          stroke: '#222', 'stroke-width': '0.8', 'data-grid': gid,
        });
        if (r) {
          path.addEventListener('mousemove', (ev) => showTooltip(ev, [
            `${gid}: ${r.units} 警力 units${r.standby ? `, ★ 备勤 ${r.standby_units} standby` : ''}`,
            `预计 expected ${r.expected_calls.toFixed(1)} (${r.calls_p10}–${r.calls_p90})`,
            `${deploy.target}分钟内 within ${(100 * r.share_within_target).toFixed(1)}%, p90 ${r.p90_response_min} min`,
          ]));
          path.addEventListener('mouseleave', hideTooltip);
        }
        svg.append(path);
        if (r) {
          const [cx, cy] = centroid(pts);
          const t = svgEl('text', { x: cx.toFixed(1), y: cy.toFixed(1), 'text-anchor': 'middle',
            'dominant-baseline': 'middle', 'font-size': '13', fill: '#111' });
          t.textContent = `${r.units}${r.standby ? '★' : ''}`;
          svg.append(t);
        }
      }
    }
  }
  $('dp-map').replaceChildren(svg);
}

document.addEventListener('DOMContentLoaded', () => {
  const panel = document.getElementById('panel-planner');
  if (!panel) return;
  panel.append(deployCard());
  $('dp-run').addEventListener('click', runPlan);
});
