// casework console: the operators' workbench, the supervisors' board and statistics, and each
// case's page. Talks to the same HTTP API with the signed-in user's token. Every label a staff
// member reads comes from the server's catalogue (GET /vocabulary) or the lifecycles' own
// Chinese names (GET /lifecycles); times are shown in Asia/Shanghai.
"use strict";

const view = document.getElementById("view");
const token = () => sessionStorage.getItem("casework.token");
const me = () => JSON.parse(sessionStorage.getItem("casework.me") || "null");
const TZ = "Asia/Shanghai";

function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function time(value) {
  if (!value) return "";
  return new Date(value).toLocaleString("zh-CN", { timeZone: TZ, hour12: false });
}

function day(value) {
  if (!value) return "";
  return new Date(value).toLocaleDateString("zh-CN", { timeZone: TZ });
}

class ApiError extends Error {
  constructor(status, body) {
    super(body.message || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function api(path) {
  const response = await fetch(path, { headers: authHeaders() });
  if (response.status === 401) { signOut(); throw new ApiError(401, { message: "请重新登录" }); }
  const body = await response.json();
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

// Commands are sent by sendCommand() (send.js): one Idempotency-Key per user action.

// --- the catalogue: every Chinese label, from the server ------------------------------------

const catalogue = { vocabulary: null, lifecycles: null, settings: null };

async function loadCatalogue() {
  if (catalogue.vocabulary === null) {
    try { catalogue.vocabulary = await api("/vocabulary"); } catch (_) { catalogue.vocabulary = {}; }
  }
  if (catalogue.lifecycles === null) {
    const list = await api("/lifecycles");
    catalogue.lifecycles = Object.fromEntries(list.map((lc) => [lc.kind, lc]));
  }
  if (catalogue.settings === null) catalogue.settings = await api("/workbench/settings");
  return catalogue;
}

function lookup(section, code, kind) {
  const table = (catalogue.vocabulary || {})[section] || {};
  let entry = kind && table[kind] && typeof table[kind] === "object" ? table[kind][code] : undefined;
  if (entry === undefined) entry = table[code];
  if (entry && typeof entry === "object") entry = entry.label ?? entry.zh ?? entry.label_zh;
  return entry;
}

function clockLabel(name) {
  const direct = lookup("clocks", name);
  if (direct) return direct;
  for (const [prefix, template] of Object.entries((catalogue.vocabulary || {}).clock_families || {})) {
    if (name.startsWith(prefix)) return template.replace("{}", name.slice(prefix.length));
  }
  return name;
}

const label = {
  command: (type) => lookup("commands", type) ?? type,
  event: (type) => lookup("events", type) ?? type,
  field: (name) => lookup("fields", name) ?? name,
  value: (value, enumName) => lookup("enums", value, enumName) ?? value,
  role: (role) => lookup("roles", role) ?? role,
  rung: (rung) => lookup("rungs", String(rung)) ?? String(rung),
  error: (code) => lookup("errors", code),
  clock: clockLabel,
  kind: (kind) => lookup("kinds", kind) ?? catalogue.lifecycles?.[kind]?.label_zh ?? kind,
  stage: (kind, stage) => lookup("stages", stage, kind) ?? catalogue.lifecycles?.[kind]?.stages?.[stage] ?? stage,
};

// A case's escalation level as lists show it (正常, 到期(L1), 逾期(L2), 逾期(L3)).
function level(n) {
  return lookup("levels", String(n > 0 ? n : 0)) ?? (n > 0 ? `L${n}` : "");
}

// --- signing in and out ---------------------------------------------------------------------

// District roles may read Temporal's sealed payloads in its Web UI: the codec cookie lets the
// UI's browser calls to /codec/decode sign in as this user (docs/payload-encryption.md).
const CODEC_ROLES = new Set(["supervisor", "auditor", "admin"]);

function signOut() {
  fetch("/codec/session", { method: "DELETE" });
  sessionStorage.removeItem("casework.token");
  sessionStorage.removeItem("casework.me");
  location.hash = "#/login";
}

function renderLogin(message) {
  view.innerHTML = `
    <form class="login" id="login">
      <h2>登录</h2>
      <label>用户 <input name="user_id" autocomplete="username" required></label>
      <label>密码 <input name="password" type="password" autocomplete="current-password" required></label>
      <button type="submit">登录</button>
      <p class="error" id="login-error">${esc(message || "")}</p>
    </form>`;
  document.getElementById("login").addEventListener("submit", async (submit) => {
    submit.preventDefault();
    const form = new FormData(submit.target);
    const response = await fetch("/auth/login", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ user_id: form.get("user_id"), password: form.get("password") }),
    });
    const body = await response.json();
    if (!response.ok) { renderLogin(response.status === 401 ? "用户或密码不正确" : "登录失败"); return; }
    sessionStorage.setItem("casework.token", body.access_token);
    if (CODEC_ROLES.has(body.role)) {
      await fetch("/codec/session", { method: "POST", headers: { Authorization: `Bearer ${body.access_token}` } });
    }
    sessionStorage.setItem("casework.me", JSON.stringify({ user_id: body.user_id, role: body.role, unit: body.unit }));
    location.hash = ["supervisor", "auditor", "admin"].includes(body.role) ? "#/board" : "#/work";
  });
}

// --- the supervisors' board -----------------------------------------------------------------

function caseRow(c) {
  return `
    <tr class="level-${c.escalation_level}" data-case="${esc(c.case_id)}">
      <td><a href="#/case/${encodeURIComponent(c.case_id)}">${esc(c.case_id)}</a></td>
      <td>${esc(label.kind(c.kind))}</td><td>${esc(label.stage(c.kind, c.stage))}</td><td>${esc(c.unit)}</td>
      <td class="level">${esc(level(c.escalation_level))}</td><td>${esc(time(c.next_due_at))}</td>
    </tr>`;
}

const CASE_HEAD = "<tr><th>案件编号</th><th>类型</th><th>阶段</th><th>单位</th><th>督办级别</th><th>到期时间</th></tr>";

async function renderBoard() {
  const [overdue, onTime] = await Promise.all([
    api("/cases?overdue=true&include_closed=false&sort=escalation&limit=500"),
    api("/cases?include_closed=false&sort=escalation&limit=500&escalation_level=0"),
  ]);
  const counts = {};
  for (const c of overdue) {
    counts[c.unit] = counts[c.unit] || { 1: 0, 2: 0, 3: 0 };
    if (c.escalation_level > 0) counts[c.unit][c.escalation_level] += 1;
  }
  const unitRows = Object.entries(counts).map(([unit, n]) =>
    `<tr><td>${esc(unit)}</td><td class="level-1">${n[1]}</td><td class="level-2">${n[2]}</td><td class="level-3">${n[3]}</td></tr>`).join("");
  view.innerHTML = `
    <section><h2>各单位督办情况</h2>
      <table id="units"><thead><tr><th>单位</th><th>${esc(level(1))}</th><th>${esc(level(2))}</th><th>${esc(level(3))}</th></tr></thead>
      <tbody>${unitRows || '<tr><td colspan="4">暂无超期案件</td></tr>'}</tbody></table></section>
    <section><h2>超期与督办案件（${overdue.length}）</h2>
      <table id="overdue"><thead>${CASE_HEAD}</thead>
      <tbody>${overdue.map(caseRow).join("") || '<tr><td colspan="6">暂无</td></tr>'}</tbody></table></section>
    <p>在办且未超期案件：${onTime.length}</p>`;
}

function showError(error) {
  view.innerHTML = `<p class="error">${esc(error.message)}</p>`;
}

// Pages render one after another, so a slow page never overwrites the one asked for after it.
let routing = Promise.resolve();
function route() {
  routing = routing.then(renderRoute, renderRoute);
  return routing;
}

async function renderRoute() {
  const who = document.getElementById("who");
  const user = me();
  document.getElementById("sign-out").hidden = !token();
  const hash = location.hash || "#/work";
  if (!token() || hash === "#/login") { who.textContent = ""; renderLogin(); return; }
  try {
    await loadCatalogue();
    who.textContent = user ? `${user.user_id}（${label.role(user.role)}${user.unit ? "，" + user.unit : ""}）` : "";
    const caseMatch = hash.match(/^#\/case\/([^?]+)(?:\?at=(.+))?$/);
    if (caseMatch) await renderCase(decodeURIComponent(caseMatch[1]), caseMatch[2] ? decodeURIComponent(caseMatch[2]) : "");
    else if (hash.startsWith("#/board")) await renderBoard();
    else if (hash.startsWith("#/stats")) await renderStats();
    else await renderWorkbench();
  } catch (error) { showError(error); }
}

document.getElementById("sign-out").addEventListener("click", signOut);
window.addEventListener("hashchange", route);
window.addEventListener("DOMContentLoaded", route);
