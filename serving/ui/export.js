/* Jingqing console, planner's exports: the forecast on screen as a CSV (UTF-8 with BOM, the
 * columns of `jingqing forecast`'s CSV plus the weekday) and the heat map and the map as PNG
 * pictures. Everything is made in the browser; nothing leaves it but the download.
 */
'use strict';

const exportName = (what) =>
  `forecast-${plan.mode}-${(plan.request ? plan.request.start : '').slice(0, 13)}-${what}`;

function csvCell(v) {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The forecast on screen as a CSV a spreadsheet opens (UTF-8 with BOM, local time text). */
function exportCsv() {
  const shift = plan.mode === 'shift';
  const timeKey = shift ? 'shift_start' : 'hour';
  // The columns of `jingqing forecast`'s CSV (plus the weekday, in the console's language).
  const head = ['grid_id', 'grid_name', timeKey, 'local_time', 'weekday',
    ...(shift ? ['hours'] : []), 'mean', 'p10', 'p50', 'p90'];
  const round = (v) => Number(Number(v).toFixed(3));
  const rows = (shift ? plan.shiftRows : plan.rows).map((r) => {
    const p = hourParts(r[timeKey]);
    const local = r[timeKey].slice(0, 16).replace('T', ' ');
    return [r.grid_id, gridName(r.grid_id) || '', r[timeKey], local, p.wd,
      ...(shift ? [r.hours] : []), round(r.mean), round(r.p10), round(r.p50), round(r.p90)];
  });
  const text = [head, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n');
  download(new Blob(['\ufeff', text, '\r\n'], { type: 'text/csv;charset=utf-8' }), exportName('table.csv'));
}

const canvasPng = (canvas, suffix) => canvas.toBlob((blob) => download(blob, exportName(suffix)), 'image/png');
const cardColour = () => getComputedStyle(document.documentElement).getPropertyValue('--card').trim() || '#171e26';

/** The heat map as a picture that explains itself: title with the window, then the legend. */
function exportHeatPng() {
  const heat = document.createElement('canvas');
  drawHeatmap(heat, Math.max(1200, $('heatmap-wrap').clientWidth), cardColour());
  const dpr = window.devicePixelRatio || 1;
  const out = document.createElement('canvas');
  out.width = heat.width;
  out.height = heat.height + Math.round(64 * dpr);
  const ctx = out.getContext('2d');
  ctx.fillStyle = cardColour();
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(heat, 0, Math.round(34 * dpr));
  ctx.scale(dpr, dpr);
  const ink = getComputedStyle(document.body).color;
  const cols = columns();
  ctx.fillStyle = ink;
  ctx.textBaseline = 'middle';
  ctx.font = 'bold 15px sans-serif';
  ctx.fillText(`${t(`plan.heat.${plan.mode}`)} · ${columnText(cols[0])} – ${columnText(cols[cols.length - 1])}`, 8, 17);
  const y = 34 + heat.height / dpr + 15;
  const ramp = ctx.createLinearGradient(24, 0, 244, 0);
  for (const [v] of RAMP) ramp.addColorStop(v, colour(v, 1));
  ctx.font = '12px sans-serif';
  ctx.fillText('0', 8, y);
  ctx.fillStyle = ramp;
  ctx.fillRect(24, y - 6, 220, 12);
  ctx.fillStyle = ink;
  ctx.fillText(`${fmt(plan.max[plan.mode], 2)} ${t(`plan.unit.${plan.mode}`)}`, 252, y);
  canvasPng(out, 'heat-map.png');
}

function exportMapPng() {
  const xml = new XMLSerializer().serializeToString($('map').querySelector('svg'));
  const img = new Image();
  img.onload = () => {
    const canvas = document.createElement('canvas');
    canvas.width = 1600;
    canvas.height = 1200;
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = cardColour();
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    canvasPng(canvas, 'grid-map.png');
  };
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(xml)}`;
}

function initExports() {
  $('export-csv').addEventListener('click', exportCsv);
  $('export-heat').addEventListener('click', exportHeatPng);
  $('export-map').addEventListener('click', exportMapPng);
}
