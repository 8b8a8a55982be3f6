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
    <div class="label"><span data-msg="deploy.title"></span>
      <small data-msg="deploy.subtitle"></small></div>
    <div class="row wrap">
      <label class="muted" for="dp-units" data-msg="deploy.units"></label>
      <input id="dp-units" type="number" min="1" value="120" class="dp-num">
      <label class="muted" for="dp-shifts" data-msg="deploy.shifts"></label>
      <input id="dp-shifts" type="number" min="1" max="21" value="3" class="dp-num">
      <label class="muted" for="dp-target" data-msg="deploy.target"></label>
      <input id="dp-target" type="number" min="1" max="120" step="0.5" value="5" class="dp-num">
      <label class="muted" for="dp-standby" data-msg="deploy.standby"></label>
      <input id="dp-standby" type="number" min="0" max="90" value="33" class="dp-num">
      <button id="dp-run" class="primary" data-msg="deploy.run"></button>
      <span id="dp-status" class="status" role="status"></span>
    </div>
    <details class="dp-roster">
      <summary class="muted small" data-msg="deploy.roster"></summary>
      <textarea id="dp-roster" class="data" rows="4" placeholder="1,120&#10;2,90&#10;3,60,car&#10;1,4,foot,G01"></textarea>
    </details>
    <div id="dp-body" hidden>
      <div id="dp-shifts-bar" class="chips" role="tablist"></div>
      <div class="grid-2">
        <div id="dp-map" class="map" aria-label="map of share within target"></div>
        <div>
          <div id="dp-summary" class="dp-summary"></div>
          <table id="dp-table" class="table">
            <thead><tr>
              <th data-msg="deploy.col.grid"></th><th class="num" data-msg="deploy.col.units"></th>
              <th class="num" data-msg="deploy.col.calls"></th>
              <th class="num" data-msg="deploy.col.within"></th>
              <th class="num" data-msg="deploy.col.p90"></th></tr></thead>
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
    if (!line.trim() || parts[0].toLowerCase() === 'shift') continue;
    // an empty cell is missing, not 0 (Number('') is 0)
    const whole = (v) => (v ? Number(v) : NaN);
    const row = { shift: whole(parts[0]), units: whole(parts[1]) };
    if (parts[2]) row.kind = parts[2];
    if (parts[3]) row.grid_id = parts[3];
    if (!Number.isInteger(row.shift) || !Number.isInteger(row.units)) {
      throw new ApiError(0, t('deploy.roster.bad', { line: i + 1 }));
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
  setStatus('dp-status', t('deploy.planning'));
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
    setStatus('dp-status', t('deploy.rows', { n: deploy.rows.length }), 'ok');
  } catch (err) {
    setStatus('dp-status', errorText(err), 'error');
  }
}

function drawDeploy() {
  const shifts = [...new Set(deploy.rows.map((r) => r.shift))];
  const bar = $('dp-shifts-bar');
  bar.replaceChildren(...shifts.map((s) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = `chip${s === deploy.shift ? ' active' : ''}`;
    b.textContent = t('deploy.shift', { n: s });
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
  $('dp-summary').textContent = t('deploy.summary', {
    start: rows[0] ? rows[0].shift_start.slice(0, 16).replace('T', ' ') : '',
    share: (100 * within / Math.max(calls, 1e-9)).toFixed(1), calls: calls.toFixed(0),
    target: deploy.target, units, standby, posts: posts.join(', ') || '—',
  });
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
            t(r.standby ? 'deploy.tip.units.standby' : 'deploy.tip.units',
              { grid: gid, units: r.units, standby: r.standby_units }),
            t('deploy.tip.calls', { v: r.expected_calls.toFixed(1), p10: r.calls_p10, p90: r.calls_p90 }),
            t('deploy.tip.within', { target: deploy.target, share: (100 * r.share_within_target).toFixed(1),
              p90: r.p90_response_min }),
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
  const card = deployCard();
  applyMessages(card);
  panel.append(card);
  $('dp-run').addEventListener('click', runPlan);
  languageListeners.push(() => { if (deploy.rows.length) drawDeploy(); });
});
