/* Jingqing console, call taker's view: one description in, one suggestion out, one key to
 * confirm.
 *
 * Keys: 1–5 pick the category (in the fixed order of the label table, so a key always means
 * the same category), Enter accepts or submits the correction; neither acts while typing in
 * the description, where Ctrl/⌘+Enter classifies (or, once the suggestion is for this text,
 * accepts). The evidence spans and the urgency cue are offsets into the text as sent
 * (Unicode code points, as the service counts them).
 */
'use strict';

const OPERATOR_KEY = 'jingqing.operatorId';
const state = {
  suggestion: null, text: '', callId: null, saved: false,
  finalCategory: null, finalDisposition: null, finalUrgent: false,
};

const urgencyOf = (s) => s.urgency || (s.urgent ? '紧急' : '一般');

function newCallId() {
  return `ui-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Which characters each span covers, by code point; spans that do not match are dropped. */
function coverage(chars, spans, mark, into) {
  for (const span of spans || []) {
    if (!span || chars.slice(span.start, span.end).join('') !== span.text) continue;
    for (let i = span.start; i < span.end; i += 1) into[i] = into[i] ? 'both' : mark;
  }
}

/** Keywords without offsets (models from before spans): every occurrence in the text. */
function keywordSpans(chars, keywords) {
  const lower = chars.map((c) => c.toLowerCase());
  const spans = [];
  for (const kw of keywords || []) {
    const needle = Array.from(String(kw).toLowerCase());
    if (!needle.join('').trim()) continue;
    for (let i = 0; i + needle.length <= lower.length; i += 1) {
      if (needle.every((c, k) => lower[i + k] === c)) {
        spans.push({ start: i, end: i + needle.length, text: chars.slice(i, i + needle.length).join('') });
      }
    }
  }
  return spans;
}

function highlight(text, s) {
  const chars = Array.from(text);
  const kinds = new Array(chars.length).fill('');
  const spans = s.spans && s.spans.length ? s.spans : keywordSpans(chars, s.keywords);
  coverage(chars, spans, 'kw', kinds);
  if (s.urgency_cue) coverage(chars, [s.urgency_cue], 'cue', kinds);
  const box = $('highlighted');
  box.replaceChildren();
  let start = 0;
  for (let i = 1; i <= chars.length; i += 1) {
    if (i === chars.length || kinds[i] !== kinds[start]) {
      const piece = chars.slice(start, i).join('');
      box.append(kinds[start]
        ? el('mark', { class: kinds[start], text: piece })
        : document.createTextNode(piece));
      start = i;
    }
  }
}

function renderUrgency(s) {
  const tier = urgencyOf(s);
  const flag = $('urgent-flag');
  flag.dataset.tier = tier;
  flag.hidden = tier === '一般';
  $('urgency-tier').textContent = t(`urgency.${tier}`);
  $('urgency-hint').textContent = t(`urgency.${tier}.hint`);
  // The cue is the caller's words (data) inside the message's own words.
  const cue = s.urgency_cue && s.urgency_cue.text;
  const [before, after] = t('sugg.cue', { cue: '\u0000' }).split('\u0000');
  $('urgency-cue').replaceChildren(...(cue ? [before, el('span', { class: 'data', text: cue }), after] : []));
}

function renderSuggestion(s, text) {
  const cat = $('category');
  cat.replaceChildren(labelName(CATEGORY_NAMES, s.category));
  cat.dataset.category = s.category;
  cat.append(el('span', { class: 'conf', text: percent(s.confidence) }));
  renderUrgency(s);
  $('review-flag').hidden = !s.review;

  const cands = $('candidates');
  cands.replaceChildren(...(s.candidates || []).map((label) =>
    el('span', { class: 'cand', 'data-label': label, text: labelName(CATEGORY_NAMES, label) })));
  $('candidates-row').hidden = !cands.childElementCount;
  const shift = $('shift-score');
  shift.textContent = s.shift === null || s.shift === undefined ? '—' : percent(s.shift);
  shift.dataset.shift = s.shift ?? '';

  const bars = $('prob-bars');
  bars.replaceChildren();
  const probs = Object.entries(s.probabilities || {}).sort((a, b) => b[1] - a[1]);
  for (const [label, p] of probs) {
    const row = el('div', { class: `bar${label === s.category ? ' top' : ''}`, 'data-label': label });
    row.style.display = 'contents';
    const fill = el('div', { class: 'bar-fill' });
    fill.style.width = `${(100 * p).toFixed(1)}%`;
    row.append(
      el('div', { class: 'bar-label', text: labelName(CATEGORY_NAMES, label) }),
      el('div', { class: 'bar-track' }, fill),
      el('div', { class: 'bar-value', text: percent(p) }),
    );
    bars.append(row);
  }

  const routing = $('routing');
  // A model trained without routing labels suggests none: say so, preselect nothing.
  routing.replaceChildren(s.disposition
    ? labelName(DISPOSITION_NAMES, s.disposition)
    : el('span', { class: 'no-routing', text: t('sugg.no_routing') }));
  if (s.disposition === 'divert' && s.divert_to) {
    routing.append(el('span', { class: 'divert', text: ` → ${labelName(DIVERT_NAMES, s.divert_to)}` }));
  }
  highlight(text, s);
  $('model-version').textContent = s.model_version ? t('sugg.model', { version: s.model_version }) : '';
  renderSameIncident(s.same_incident);
  $('suggestion').hidden = false;
  $('evidence-card').hidden = false;
}

// Earlier calls that probably report the same incident (from the service's recent calls).
function renderSameIncident(matches) {
  const box = $('same-incident');
  box.replaceChildren(...(matches || []).map((m) => {
    const mins = Math.round(m.minutes_ago);
    const text = t('same.match', {
      id: m.call_id,
      ago: mins < 1 ? t('same.now') : t('same.minutes', { n: mins }),
      where: t(m.same_grid ? 'same.grid' : 'same.nearby'),
      score: percent(m.score),
    });
    return el('div', { class: 'match', 'data-call-id': m.call_id, text });
  }));
  box.hidden = !box.childElementCount;
}

/** The categories in the label table's order (keys 1–5), then any the model adds. */
function decisionLabels(s) {
  const known = Object.keys(CATEGORY_NAMES);
  const extra = Object.keys(s.probabilities || {}).filter((l) => !known.includes(l));
  return [...known, ...extra];
}

function resetDecision(s) {
  state.finalCategory = s.category;
  state.finalDisposition = s.disposition;
  state.finalUrgent = urgencyOf(s) === '紧急';
}

function chip(value, text, suggested, onPick, key) {
  const node = el('button', { class: 'chip', 'data-value': value, type: 'button' });
  if (key) node.append(el('kbd', { text: key }), ' ');
  node.append(text);
  if (suggested) node.classList.add('suggested');
  node.onclick = onPick;
  return node;
}

function renderDecision(s) {
  $('final-category').replaceChildren(...decisionLabels(s).map((label, i) =>
    chip(label, labelName(CATEGORY_NAMES, label), label === s.category, () => {
      state.finalCategory = label;
      syncDecision();
    }, i < 9 ? String(i + 1) : '')));
  const dispositions = Object.keys(DISPOSITION_NAMES);
  if (s.disposition && !dispositions.includes(s.disposition)) dispositions.push(s.disposition);
  $('final-disposition').replaceChildren(...dispositions.map((value) =>
    chip(value, labelName(DISPOSITION_NAMES, value), value === s.disposition, () => {
      state.finalDisposition = value;
      syncDecision();
    })));
  const divert = $('final-divert');
  const chosen = divert.value;
  divert.replaceChildren(...Object.keys(DIVERT_NAMES).map((value) =>
    el('option', { value, text: labelName(DIVERT_NAMES, value) })));
  divert.value = chosen || s.divert_to || '12345';
  divert.onchange = syncDecision;
  $('final-urgent').onclick = () => {
    state.finalUrgent = !state.finalUrgent;
    syncDecision();
  };
  $('feedback').hidden = false;
  syncDecision();
}

function decision() {
  const s = state.suggestion;
  const divertTo = state.finalDisposition === 'divert' ? $('final-divert').value : '';
  const changed =
    state.finalCategory !== s.category ||
    state.finalDisposition !== s.disposition ||
    state.finalUrgent !== (urgencyOf(s) === '紧急') ||
    (state.finalDisposition === 'divert' && divertTo !== (s.divert_to || ''));
  return { divertTo, changed };
}

function syncDecision() {
  for (const node of $('final-category').children) {
    node.classList.toggle('selected', node.dataset.value === state.finalCategory);
  }
  for (const node of $('final-disposition').children) {
    node.classList.toggle('selected', node.dataset.value === state.finalDisposition);
  }
  $('final-divert').hidden = state.finalDisposition !== 'divert';
  const urgent = $('final-urgent');
  urgent.classList.toggle('selected', state.finalUrgent);
  urgent.classList.toggle('urgent', state.finalUrgent);
  urgent.setAttribute('aria-pressed', String(state.finalUrgent));
  urgent.textContent = t(state.finalUrgent ? 'dec.yes' : 'dec.no');
  const { changed } = decision();
  const btn = $('feedback-btn');
  // Without a disposition the call taker must pick one first; a saved decision stays sent.
  btn.disabled = state.saved || !state.finalDisposition;
  btn.classList.toggle('correct', changed);
  btn.replaceChildren(t(changed ? 'dec.correct' : 'dec.accept'), ' ', el('kbd', { text: 'Enter' }));
}

async function classify() {
  const text = $('call-text').value.trim();
  if (!text) {
    setStatus('classify-status', t('call.empty'), 'error');
    return;
  }
  const btn = $('classify-btn');
  btn.disabled = true;
  setStatus('classify-status', t('call.classifying'));
  try {
    const call = { call_id: newCallId(), text, received_at: new Date().toISOString() };
    const grid = $('call-grid').value.trim();
    if (grid) call.grid_id = grid;
    const [s] = await api('/classify', { calls: [call] });
    Object.assign(state, { callId: call.call_id, suggestion: s, text, saved: false });
    setStatus('feedback-status', '');
    delete $('feedback-status').dataset.id;
    resetDecision(s);
    renderSuggestion(s, text);
    renderDecision(s);
    setStatus('classify-status', '');
    // Keys 1–5 and Enter now act on the decision, not on the description.
    $('feedback').focus({ preventScroll: true });
  } catch (err) {
    setStatus('classify-status', errorText(err), 'error');
  } finally {
    btn.disabled = false;
  }
}

function identifiers() {
  const out = {};
  const incident = $('call-incident').value.trim();
  const operator = $('call-operator').value.trim();
  if (incident) out.incident_no = incident;
  if (operator) {
    out.operator_id = operator;
    localStorage.setItem(OPERATOR_KEY, operator);
  }
  return out;
}

async function sendFeedback() {
  const s = state.suggestion;
  const btn = $('feedback-btn');
  if (!s || btn.disabled) return;
  const { divertTo } = decision();
  const body = {
    call_id: state.callId || newCallId(),
    text: state.text,
    suggested_category: s.category,
    final_category: state.finalCategory,
    final_disposition: state.finalDisposition,
    final_divert_to: divertTo,
    final_urgent: state.finalUrgent,
    ...identifiers(),
  };
  if (s.model_version) body.model_version = s.model_version;
  btn.disabled = true;
  setStatus('feedback-status', t('dec.saving'));
  try {
    const stored = await api('/feedback', body);
    state.saved = true;
    $('feedback-status').dataset.id = stored.id;
    setStatus('feedback-status', t('dec.saved', { id: stored.id }), 'ok');
  } catch (err) {
    btn.disabled = false;
    setStatus('feedback-status', t('dec.not_saved', { status: err.status || '—', message: err.message }), 'error');
  }
}

/** Enter / Ctrl+Enter: classify a new text, else confirm the decision on screen. */
function classifyOrAccept() {
  const fresh = !state.suggestion || $('call-text').value.trim() !== state.text;
  if (fresh) classify();
  else sendFeedback();
}

function onKey(ev) {
  if ($('panel-calltaker').hidden || document.querySelector('dialog[open]')) return;
  const target = ev.target;
  const inText = target.matches && target.matches('textarea');
  const inField = target.matches && target.matches('input, select');
  if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey || inField)) {
    ev.preventDefault();
    classifyOrAccept();
    return;
  }
  if (inText || inField || ev.altKey || ev.ctrlKey || ev.metaKey || !state.suggestion) return;
  if (/^[1-9]$/.test(ev.key)) {
    const pick = $('final-category').children[Number(ev.key) - 1];
    if (pick && !state.saved) {
      ev.preventDefault();
      pick.click();
    }
  } else if (ev.key === 'Enter') {
    ev.preventDefault(); // not the focused chip's click: Enter always confirms
    sendFeedback();
  }
}

function initCallTaker() {
  $('classify-btn').addEventListener('click', classify);
  $('feedback-btn').addEventListener('click', sendFeedback);
  document.addEventListener('keydown', onKey);
  $('call-operator').value = localStorage.getItem(OPERATOR_KEY) || '';
  $('call-text').addEventListener('input', () => {
    // A saved call is finished: its incident number must not follow the next call.
    if (state.saved && $('call-text').value.trim() !== state.text) {
      $('call-incident').value = '';
      state.saved = false;
    }
  });
  languageListeners.push(() => {
    if (!state.suggestion) return;
    renderSuggestion(state.suggestion, state.text);
    renderDecision(state.suggestion);
    const saved = $('feedback-status').dataset.id;
    if (saved) setStatus('feedback-status', t('dec.saved', { id: saved }), 'ok');
  });
  $('call-text').focus();
}
