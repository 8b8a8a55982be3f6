/* Jingqing console: DOM helpers and the service's JSON routes (with the API token).
 *
 * Nothing is fetched from outside the service. The helpers here are shared by the call
 * taker's view (calltaker.js), the planner's (planner.js, map.js, deploy.js) and the
 * health panel (app.js).
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

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

let tokenPrompt = null; // one dialog at a time, however many requests got a 401

function askToken(reasonKey) {
  if (tokenPrompt) return tokenPrompt;
  const dialog = $('token-dialog');
  const reason = $('token-reason');
  reason.dataset.msg = reasonKey;
  reason.textContent = t(reasonKey);
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
      if (!(await askToken(token ? 'token.rejected' : 'token.required'))) {
        throw new ApiError(401, t('token.none'));
      }
      continue;
    }
    if (!resp.ok) throw new ApiError(resp.status, await errorMessage(resp));
    return resp.json();
  }
  throw new ApiError(401, t('token.not_accepted'));
}

function setStatus(id, text, kind = '') {
  const node = $(id);
  node.textContent = text;
  node.className = `status ${kind}`;
}

/** The one-line error a view shows: the service's own message, after a localised prefix. */
const errorText = (err) => t('error.status', { status: err.status || '—', message: err.message });

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

/** Offer `blob` as a download named `name` (nothing leaves the browser). */
function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
