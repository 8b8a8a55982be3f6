/* Jingqing console: every text the console shows, in one table, per language.
 *
 * Chinese is the default; the call taker or planner can switch to English (remembered in
 * localStorage). Static elements name their message with `data-msg` (text), or
 * `data-msg-placeholder`, `data-msg-title`, `data-msg-aria-label` (attributes); scripts use
 * `t(key, params)`. `{name}` in a message is replaced by `params.name`. The labels' display
 * names come from `labels.js` (features/labels.py), one pair per label: `labelName` picks
 * the language.
 */
'use strict';

const MESSAGES = {
  zh: {
    'page.title': '警情研判台',
    'brand.title': '警情研判台',
    'brand.subtitle': '110 接警研判与网格警情预测',
    'lang.switch': 'English',
    'lang.switch.title': '切换为英文界面',
    'theme.title': '切换明暗主题',
    'tab.calltaker': '接警',
    'tab.planner': '勤务研判',

    'call.description': '警情描述',
    'call.placeholder': '例：XX路XX小区5号楼，与邻居因停车位发生口角。',
    'call.grid': '网格（可选）',
    'call.incident': '警情编号',
    'call.operator': '接警员工号',
    'call.classify': '智能研判',
    'call.classify.hint': 'Ctrl+Enter 研判',
    'call.empty': '请输入警情描述',
    'call.classifying': '研判中…',
    'call.evidence': '依据（原文标注）',
    'error.status': '错误（{status}）：{message}',

    'sugg.category': '建议类别',
    'sugg.review': '需复核',
    'sugg.review.title': '模型把握不足，请人工判断',
    'sugg.candidates': '90 % 候选',
    'sugg.candidates.title': '这组类别包含正确类别的概率约为 90 %',
    'sugg.shift': '文本陌生度',
    'sugg.shift.title': '文本中训练数据未见过的字组所占比例；越高越不可信',
    'sugg.routing': '处置建议',
    'sugg.no_routing': '无分流建议',
    'sugg.cue': '线索：“{cue}”',
    'sugg.model': '模型 {version}',
    'urgency.紧急': '紧急',
    'urgency.可能紧急': '可能紧急',
    'urgency.一般': '一般',
    'urgency.紧急.hint': '立即派警',
    'urgency.可能紧急.hint': '请立即确认是否仍在发生',
    'urgency.一般.hint': '',
    'same.match': '可能与警情 {id} 为同一事件（{ago}，{where}，{score}）',
    'same.now': '刚刚',
    'same.minutes': '{n} 分钟前',
    'same.grid': '同一网格',
    'same.nearby': '附近',

    'dec.title': '接警员决定',
    'dec.category': '类别',
    'dec.disposition': '处置',
    'dec.divert': '分流去向',
    'dec.urgent': '紧急',
    'dec.yes': '是',
    'dec.no': '否',
    'dec.accept': '采纳建议',
    'dec.correct': '提交更正',
    'dec.keys': '数字键 1–5 选择类别 · Enter 确认',
    'dec.saving': '保存中…',
    'dec.saved': '已保存 #{id}',
    'dec.not_saved': '未保存（{status}）：{message}',

    'plan.start': '起始时间（本地）',
    'plan.next24': '未来24小时',
    'plan.next168': '未来7天',
    'plan.by_hour': '按小时',
    'plan.by_shift': '按班次合计',
    'plan.mode': '显示方式',
    'plan.forecasting': '预测中…',
    'plan.empty': '没有返回预测',
    'plan.done.hour': '{grids} 个网格 × {n} 小时',
    'plan.done.shift': '{grids} 个网格 × {n} 个班次',
    'plan.window': '可预测范围 {from} – {to} · {version}',
    'plan.heat.hour': '网格 × 小时 预计警情量',
    'plan.heat.shift': '网格 × 班次 预计警情量（班次合计）',
    'plan.heat.hint': '悬停查看 p10–p90 区间，点击在地图上显示该时段',
    'plan.unit.hour': '起/小时',
    'plan.unit.shift': '起/班次',
    'plan.map': '网格地图',
    'plan.map.note': '{n} 个网格 · 颜色为所选时段的预计警情量',
    'plan.map.points': '仅有网格中心点 · 颜色为所选时段的预计警情量',
    'plan.map.tiles': '未提供网格边界，按编号平铺 · 颜色为所选时段的预计警情量',
    'plan.top': '重点网格 · {shift}',
    'plan.col.grid': '网格',
    'plan.col.expected': '预计',
    'plan.col.range': 'p10–p90',
    'plan.col.peak': '峰值时段',
    'plan.top.note': '区间为班次合计的 80 % 区间（由计数分布计算，不是各小时区间之和）。',
    'plan.tip.expected': '预计 {v} 起',
    'plan.tip.range': 'p10–p90：{p10} – {p90}（中位数 {p50}）',
    'plan.tip.none': '无数据',
    'plan.shift.partial': '（窗口内 {h} 小时）',
    'plan.export': '导出',
    'plan.export.csv': 'CSV 表格',
    'plan.export.heat': '热力图 PNG',
    'plan.export.map': '地图 PNG',
    'weekdays': '周日,周一,周二,周三,周四,周五,周六',

    'deploy.title': '勤务部署方案',
    'deploy.subtitle': '各网格警力，使警情在目标时间内到达',
    'deploy.units': '每班警力',
    'deploy.shifts': '班次数',
    'deploy.target': '目标分钟',
    'deploy.standby': '备勤比例 %',
    'deploy.run': '生成方案',
    'deploy.roster': '按排班表（每行一条：班次,警力[,类型][,网格]）',
    'deploy.roster.bad': '排班表第 {line} 行：班次和警力须为整数',
    'deploy.planning': '计算中…',
    'deploy.rows': '{n} 行',
    'deploy.shift': '班次 {n}',
    'deploy.summary': '{start}：预计 {calls} 起警情中 {share}% 可在 {target} 分钟内到达 · 巡逻 {units} · 备勤 {standby}，驻点 {posts}',
    'deploy.col.grid': '网格',
    'deploy.col.units': '警力',
    'deploy.col.calls': '预计警情',
    'deploy.col.within': '达标率',
    'deploy.col.p90': 'p90 分钟',
    'deploy.tip.units': '{grid}：警力 {units}',
    'deploy.tip.units.standby': '{grid}：警力 {units}，★ 备勤 {standby}',
    'deploy.tip.calls': '预计 {v} 起（{p10}–{p90}）',
    'deploy.tip.within': '{target} 分钟内到达 {share}%，p90 {p90} 分钟',

    'health.title': '模型健康',
    'health.refresh': '刷新',
    'health.alerts': '⚠ {n} 项告警',
    'health.ok': '✓ 正常',
    'health.suggestions': '近 {d} 天建议 {n} 条',
    'health.agreement': '接警员采纳 {p}（{n} 条决定）',
    'health.none': '暂无数据',
    'health.unavailable': '不可用（{message}）',

    'token.title': '需要访问令牌',
    'token.required': '服务已启用访问控制（JINGQING_API_TOKEN），请输入令牌。',
    'token.rejected': '令牌被拒绝，请重新输入。',
    'token.none': '未提供令牌',
    'token.not_accepted': '令牌无效',
    'token.ok': '确定',
    'token.cancel': '取消',
  },
  en: {
    'page.title': 'Jingqing console',
    'brand.title': 'Jingqing console',
    'brand.subtitle': '110 call triage and grid forecasts',
    'lang.switch': '中文',
    'lang.switch.title': 'Switch the console to Chinese',
    'theme.title': 'Toggle dark / light',
    'tab.calltaker': 'Call taker',
    'tab.planner': 'Planner',

    'call.description': 'Call description',
    'call.placeholder': 'e.g. Building 5, XX estate, XX Road: a quarrel with a neighbour over a parking space.',
    'call.grid': 'Grid (optional)',
    'call.incident': 'Incident no.',
    'call.operator': 'Operator id',
    'call.classify': 'Classify',
    'call.classify.hint': 'Ctrl+Enter to classify',
    'call.empty': 'Please type a description',
    'call.classifying': 'Classifying…',
    'call.evidence': 'Evidence (marked in the text)',
    'error.status': 'Error ({status}): {message}',

    'sugg.category': 'Suggested category',
    'sugg.review': 'Review',
    'sugg.review.title': 'The model is unsure: please decide',
    'sugg.candidates': '90 % set',
    'sugg.candidates.title': 'These categories hold the right one about 90 % of the time',
    'sugg.shift': 'Unfamiliar text',
    'sugg.shift.title': 'Share of the text\'s character groups never seen in training; the higher, the less to trust',
    'sugg.routing': 'Routing',
    'sugg.no_routing': 'No routing suggested',
    'sugg.cue': 'Cue: “{cue}”',
    'sugg.model': 'Model {version}',
    'urgency.紧急': 'Urgent',
    'urgency.可能紧急': 'Possibly urgent',
    'urgency.一般': 'Routine',
    'urgency.紧急.hint': 'dispatch now',
    'urgency.可能紧急.hint': 'ask at once whether it is still going on',
    'urgency.一般.hint': '',
    'same.match': 'Probably the same incident as call {id} ({ago}, {where}, {score})',
    'same.now': 'just now',
    'same.minutes': '{n} min ago',
    'same.grid': 'same grid',
    'same.nearby': 'nearby',

    'dec.title': 'Your decision',
    'dec.category': 'Category',
    'dec.disposition': 'Disposition',
    'dec.divert': 'Divert to',
    'dec.urgent': 'Urgent',
    'dec.yes': 'yes',
    'dec.no': 'no',
    'dec.accept': 'Accept',
    'dec.correct': 'Submit correction',
    'dec.keys': 'Keys 1–5 pick the category · Enter confirms',
    'dec.saving': 'Saving…',
    'dec.saved': 'Saved #{id}',
    'dec.not_saved': 'Not saved ({status}): {message}',

    'plan.start': 'Start (local time)',
    'plan.next24': 'Next 24 h',
    'plan.next168': 'Next 7 days',
    'plan.by_hour': 'Per hour',
    'plan.by_shift': 'Shift totals',
    'plan.mode': 'Show',
    'plan.forecasting': 'Forecasting…',
    'plan.empty': 'The forecast came back empty',
    'plan.done.hour': '{grids} grids × {n} hours',
    'plan.done.shift': '{grids} grids × {n} shifts',
    'plan.window': 'Forecastable {from} – {to} · {version}',
    'plan.heat.hour': 'Expected calls per grid and hour',
    'plan.heat.shift': 'Expected calls per grid and shift (shift totals)',
    'plan.heat.hint': 'Hover for the p10–p90 interval, click to show that time on the map',
    'plan.unit.hour': 'calls per hour',
    'plan.unit.shift': 'calls per shift',
    'plan.map': 'Grid map',
    'plan.map.note': '{n} grids · colour = expected calls in the chosen time',
    'plan.map.points': 'Grid centroids only · colour = expected calls in the chosen time',
    'plan.map.tiles': 'No grid geometry: tiles by grid id · colour = expected calls in the chosen time',
    'plan.top': 'Top grids · {shift}',
    'plan.col.grid': 'Grid',
    'plan.col.expected': 'Expected',
    'plan.col.range': 'p10–p90',
    'plan.col.peak': 'Peak hour',
    'plan.top.note': 'The interval is the 80 % interval of the shift total (from the count distribution, not a sum of hourly intervals).',
    'plan.tip.expected': 'expected {v} calls',
    'plan.tip.range': 'p10–p90: {p10} – {p90} (median {p50})',
    'plan.tip.none': 'no data',
    'plan.shift.partial': ' ({h} h in the window)',
    'plan.export': 'Export',
    'plan.export.csv': 'CSV table',
    'plan.export.heat': 'Heat map PNG',
    'plan.export.map': 'Map PNG',
    'weekdays': 'Sun,Mon,Tue,Wed,Thu,Fri,Sat',

    'deploy.title': 'Patrol plan',
    'deploy.subtitle': 'units per grid so calls are reached within the target',
    'deploy.units': 'Units per shift',
    'deploy.shifts': 'Shifts',
    'deploy.target': 'Target minutes',
    'deploy.standby': 'Standby %',
    'deploy.run': 'Plan',
    'deploy.roster': 'Use a roster instead (one row per line: shift,units[,kind][,grid_id])',
    'deploy.roster.bad': 'roster line {line}: shift and units must be whole numbers',
    'deploy.planning': 'Planning…',
    'deploy.rows': '{n} rows',
    'deploy.shift': 'Shift {n}',
    'deploy.summary': '{start}: {share}% of {calls} expected calls reached within {target} min · {units} patrol, {standby} standby at {posts}',
    'deploy.col.grid': 'Grid',
    'deploy.col.units': 'Units',
    'deploy.col.calls': 'Calls',
    'deploy.col.within': 'Within',
    'deploy.col.p90': 'p90 min',
    'deploy.tip.units': '{grid}: {units} units',
    'deploy.tip.units.standby': '{grid}: {units} units, ★ {standby} standby',
    'deploy.tip.calls': 'expected {v} ({p10}–{p90})',
    'deploy.tip.within': 'within {target} min {share}%, p90 {p90} min',

    'health.title': 'Model health',
    'health.refresh': 'Refresh',
    'health.alerts': '⚠ {n} alerts',
    'health.ok': '✓ No alert',
    'health.suggestions': '{n} suggestions in the last {d} days',
    'health.agreement': 'call takers kept {p} of {n} decisions',
    'health.none': 'No data yet',
    'health.unavailable': 'unavailable ({message})',

    'token.title': 'API token required',
    'token.required': 'The service requires a token (JINGQING_API_TOKEN): please enter it.',
    'token.rejected': 'The token was rejected; please enter it again.',
    'token.none': 'No token given',
    'token.not_accepted': 'Token not accepted',
    'token.ok': 'OK',
    'token.cancel': 'Cancel',
  },
};

const LANG_KEY = 'jingqing.lang';
const LANGS = Object.keys(MESSAGES);
let lang = LANGS.includes(localStorage.getItem(LANG_KEY)) ? localStorage.getItem(LANG_KEY) : 'zh';

/** The message `key` in the chosen language, with `{name}` replaced from `params`. */
function t(key, params = {}) {
  const text = MESSAGES[lang][key] ?? MESSAGES.zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (all, name) => (name in params ? String(params[name]) : all));
}

/** A label's display name in the chosen language (`table` from labels.js), else the label. */
function labelName(table, key) {
  const pair = table && table[key];
  return pair ? pair[lang === 'en' ? 1 : 0] : String(key);
}

/** Set every static text and attribute that names a message. */
function applyMessages(root = document) {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = t('page.title');
  for (const node of root.querySelectorAll('[data-msg]')) node.textContent = t(node.dataset.msg);
  for (const attr of ['placeholder', 'title', 'aria-label']) {
    const data = `data-msg-${attr}`;
    for (const node of root.querySelectorAll(`[${data}]`)) {
      node.setAttribute(attr, t(node.getAttribute(data)));
    }
  }
}

const languageListeners = [];

/** Switch language, remember it, and let every view redraw its dynamic texts. */
function setLanguage(next) {
  lang = LANGS.includes(next) ? next : 'zh';
  localStorage.setItem(LANG_KEY, lang);
  applyMessages();
  for (const listener of languageListeners) listener(lang);
}

/** A share as call takers should read it: never "100 %" or "0 %" for a model's estimate. */
function percent(p) {
  const v = Number(p);
  if (!Number.isFinite(v)) return '—';
  if (v >= 0.995) return '>99 %';
  if (v < 0.005) return '<1 %';
  return `${Math.round(v * 100)} %`;
}

applyMessages();
