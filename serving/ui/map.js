/* Jingqing console, planner's map: grid polygons from GET /grids, drawn in SVG without tiles.
 *
 * Polygons are projected equirectangularly (cos-latitude corrected) and labelled with the
 * grid's name and the expected calls of the chosen hour or shift; without polygons the map
 * falls back to centroid dots, and without any geometry to tiles in grid-id order. The
 * helpers (`loadGrids`, `projection`, `rings`, `centroid`, `svgEl`) serve deploy.js too.
 */
'use strict';

// A dark-friendly sequential ramp (deep blue → teal → yellow → red), readable at night.
const RAMP = [
  [0.0, [24, 32, 60]],
  [0.25, [30, 90, 140]],
  [0.5, [40, 160, 140]],
  [0.75, [240, 200, 70]],
  [1.0, [230, 60, 50]],
];
function rampRgb(value, max) {
  const t0 = Math.max(0, Math.min(1, max > 0 ? value / max : 0));
  for (let i = 1; i < RAMP.length; i += 1) {
    if (t0 <= RAMP[i][0]) {
      const [a, c0] = RAMP[i - 1];
      const [b, c1] = RAMP[i];
      const f = (t0 - a) / (b - a);
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

/** The grid's name from its polygon's properties, or null. */
function gridName(gridId) {
  const f = plan.geo && plan.geo.byId.get(gridId);
  const name = f && f.properties && f.properties.name;
  return name && name !== gridId ? String(name) : null;
}
const gridLabel = (gridId) => (gridName(gridId) ? `${gridId} ${gridName(gridId)}` : gridId);

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
    const mean = (k) => points.reduce((s, p) => s + p[k], 0) / points.length;
    return [mean(0), mean(1)];
  }
  return [cx / (3 * a), cy / (3 * a)];
}

function mapLabel(x, y, size, v, text, cls) {
  const label = svgEl('text', {
    x: x.toFixed(1), y: y.toFixed(1), 'text-anchor': 'middle', 'dominant-baseline': 'middle',
    fill: v === null ? '#fff' : ink(v, plan.max[plan.mode]), 'font-size': size.toFixed(1),
    'font-weight': '700', class: cls,
  });
  label.textContent = text;
  return label;
}

const STROKE = { stroke: '#0f1419', 'stroke-width': '0.6' };

function drawPolygons(svg, geo, W, H, valueOf, fillOf, hover) {
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
    const path = svgEl('path', { d, 'fill-rule': 'evenodd', 'data-grid': gridId, fill: fillOf(v), ...STROKE });
    hover(path, gridId);
    svg.append(path);
    if (!outer.length) continue;
    const xs = outer.map((p) => p[0]);
    const ys = outer.map((p) => p[1]);
    const w = Math.max(...xs) - Math.min(...xs);
    const h = Math.max(...ys) - Math.min(...ys);
    const [cx, cy] = centroid(outer);
    // The name as large as the cell allows (down to 7 px), the value under it.
    const name = gridName(gridId) || gridId;
    const nameSize = Math.min(15, (0.9 * w) / Math.max(2, Array.from(name).length), h / 3);
    const valueSize = Math.min(18, w / 3.2, h / 2.6);
    const named = nameSize >= 7;
    if (named) svg.append(mapLabel(cx, cy - nameSize * 0.6, nameSize, v, name, 'grid-name'));
    if (v !== null && valueSize >= 7) {
      svg.append(mapLabel(cx, named ? cy + valueSize * 0.55 : cy, valueSize, v, fmt(v, 1), 'grid-value'));
    }
  }
  return t('plan.map.note', { n: geo.polygons.length });
}

function drawPoints(svg, geo, W, H, valueOf, fillOf, hover) {
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
      'data-grid': gridId, fill: fillOf(v), ...STROKE });
    hover(dot, gridId);
    svg.append(dot);
    if (v !== null && r >= 11) svg.append(mapLabel(x, y, Math.min(16, r / 1.9), v, fmt(v, 1)));
  });
  return t('plan.map.points');
}

function drawTiles(svg, W, H, valueOf, fillOf, hover) {
  // No geometry: tidy tiles in grid-id order, so the picture still reads at a glance.
  const ids = [...plan.grids].sort();
  const cols = Math.ceil(Math.sqrt(ids.length * (W / H)));
  const rowsN = Math.ceil(ids.length / cols);
  const size = Math.min((W - 20) / cols, (H - 40) / rowsN);
  ids.forEach((gridId, i) => {
    const x = 10 + (i % cols) * size;
    const y = 30 + Math.floor(i / cols) * size;
    const v = valueOf(gridId);
    const rect = svgEl('rect', { x, y, width: size - 2, height: size - 2, rx: 3,
      'data-grid': gridId, fill: fillOf(v), ...STROKE });
    hover(rect, gridId);
    svg.append(rect, mapLabel(x + size / 2, y + size / 2, Math.max(7, Math.min(16, size / 4)),
      v, gridId));
  });
  return t('plan.map.tiles');
}

/** The map of the selected hour or shift; a caption says which, so an exported PNG does too. */
function drawMap() {
  const W = 800;
  const H = 600;
  const svg = svgEl('svg', {
    viewBox: `0 0 ${W} ${H}`, role: 'img', xmlns: SVG_NS,
    'font-family': '"WenQuanYi Zen Hei", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif',
  });
  const col = selectedColumn();
  const valueOf = (gridId) => {
    const c = cellOf(gridId, col);
    return c ? c.mean : null;
  };
  const fillOf = (v) => (v === null ? '#2a3440' : colour(v, plan.max[plan.mode]));
  const hover = (node, gridId) => {
    node.addEventListener('mousemove', (ev) => showTooltip(ev, cellLines(gridId, col)));
    node.addEventListener('mouseleave', hideTooltip);
  };
  const geo = plan.geo;
  let note;
  if (geo && geo.polygons.length) note = drawPolygons(svg, geo, W, H, valueOf, fillOf, hover);
  else if (geo && geo.points.length) note = drawPoints(svg, geo, W, H, valueOf, fillOf, hover);
  else note = drawTiles(svg, W, H, valueOf, fillOf, hover);
  const caption = svgEl('text', { x: '8', y: '18', 'font-size': '15', 'font-weight': '700',
    fill: '#8b98a5', class: 'caption' });
  caption.textContent = `${columnText(col)} · ${t(`plan.unit.${plan.mode}`)}`;
  svg.append(caption);
  $('map-note').textContent = note;
  $('map').replaceChildren(svg);
}
