// casework supervisor console: a board of overdue and escalated cases, and each case's
// timeline, state as of a moment and chain verification. Talks to the same HTTP API.
"use strict";

const KIND = { rescue: "救助", relief: "社会救助", social_org: "社会组织" };
const LEVEL = { 0: "正常", 1: "L1 到期", 2: "L2 逾期·区局", 3: "L3 逾期·局领导" };
const RUNG = { 0: "提醒", 1: "到期(L1)", 2: "逾期(L2)", 3: "逾期(L3)" };
const ROLE = { operator: "经办人", caseworker: "社工", approver: "审批人", supervisor: "督办", auditor: "审计", admin: "管理员" };

const view = document.getElementById("view");
const token = () => sessionStorage.getItem("casework.token");

function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function time(value) {
  if (!value) return "";
  return new Date(value).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });
}

async function api(path) {
  const response = await fetch(path, { headers: token() ? { Authorization: `Bearer ${token()}` } : {} });
  if (response.status === 401) { signOut(); throw new Error("请重新登录"); }
  const body = await response.json();
  if (!response.ok) throw new Error(`${body.code || response.status}: ${body.message || ""}`);
  return body;
}

// A deadline as the law states it: an instant at Shanghai midnight is 24:00 of the day before.
function due(value) {
  if (!value) return "";
  const local = new Date(new Date(value).getTime() + 8 * 3600 * 1000);  // Asia/Shanghai, UTC+8
  if (local.getUTCHours() || local.getUTCMinutes() || local.getUTCSeconds() || local.getUTCMilliseconds()) return time(value);
  const before = new Date(local.getTime() - 24 * 3600 * 1000).toISOString().slice(0, 10);
  return `${before} 24:00`;
}

function day(clock) {
  return due(clock.due_at);
}

function clockTable(clocks) {
  if (!clocks || !clocks.length) return "";
  const rows = clocks.map((c) => `
    <tr class="${c.fallback ? "fallback" : ""}"><td>${esc(c.label_zh)}${c.running ? "" : "（暂停）"}</td>
    <td>${esc(c.starts)}</td><td class="due-on">${esc(c.due_on)}</td><td>${esc(due(c.due_at))}</td>
    <td>${esc(RUNG[c.reached] ?? "未到")}</td><td>${c.fallback ? "⚠ 工作日推定：" : ""}${esc(c.basis)}</td></tr>`).join("");
  return `<section><h3>期限</h3>
    <table id="clocks"><thead><tr><th>期限</th><th>起算</th><th>截止日</th><th>到期时刻</th><th>已到</th><th>日历依据</th></tr></thead>
    <tbody>${rows}</tbody></table></section>`;
}

function scheduleTable(items) {
  if (!items || !items.length) return "";
  const rows = items.map((i) => `
    <tr><td>${esc(i.year)}</td><td>${esc(i.opens_on)}</td><td>${esc(i.sponsor_due_on || "—")}</td>
    <td>${esc(i.authority_due_on || "—")}</td><td>${esc(i.reason_zh || "")}</td></tr>`).join("");
  return `<section><h3>年检安排</h3>
    <table id="inspection-schedule"><thead><tr><th>年度</th><th>开启</th><th>业务主管单位截止</th><th>登记管理机关截止</th><th>说明</th></tr></thead>
    <tbody>${rows}</tbody></table></section>`;
}

function summary(event) {
  const p = event.payload || {};
  switch (event.type) {
    case "ClockStarted": return `${p.clock.spec.label_zh} 截止 ${day(p.clock)}`;
    case "ClockRecomputed": return `${p.clock.spec.label_zh} 重新计算：${p.old_due_on} → ${p.new_due_on}（${p.new_basis}）`;
    case "ClockEscalated": return `${p.clock}: ${RUNG[p.rung] ?? p.rung}`;
    case "ClockExtended": return `${p.clock.spec.label_zh} 延期至 ${day(p.clock)}：${p.reason}`;
    case "ClockStopped": return `${p.clock} 停止（${p.reason}）`;
    case "AttemptRefused": return `被拒绝的操作 ${p.command}：${p.reason}`;
    default:
      for (const key of ["reason", "reasons", "decision", "stage", "categories", "source", "outcome"]) {
        if (key in p) return `${key}: ${typeof p[key] === "object" ? JSON.stringify(p[key]) : p[key]}`;
      }
      return "";
  }
}

function signOut() {
  sessionStorage.removeItem("casework.token");
  sessionStorage.removeItem("casework.user");
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
    if (!response.ok) { renderLogin(body.message || "登录失败"); return; }
    sessionStorage.setItem("casework.token", body.access_token);
    sessionStorage.setItem("casework.user", `${body.user_id}（${ROLE[body.role] || body.role}${body.unit ? "，" + body.unit : ""}）`);
    location.hash = "#/board";
  });
}

async function renderBoard() {
  const [overdue, escalated] = await Promise.all([
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
  const caseRows = overdue.map((c) => `
    <tr class="level-${c.escalation_level}" data-case="${esc(c.case_id)}">
      <td><a href="#/case/${encodeURIComponent(c.case_id)}">${esc(c.case_id)}</a></td>
      <td>${esc(KIND[c.kind] || c.kind)}</td><td>${esc(c.stage_label)}</td><td>${esc(c.unit)}</td>
      <td class="level">${esc(LEVEL[c.escalation_level] ?? c.escalation_level)}</td><td>${esc(due(c.next_due_at))}</td>
    </tr>`).join("");
  view.innerHTML = `
    <section><h2>各单位督办情况</h2>
      <table id="units"><thead><tr><th>单位</th><th>L1 到期</th><th>L2 逾期·区局</th><th>L3 逾期·局领导</th></tr></thead>
      <tbody>${unitRows || '<tr><td colspan="4">暂无超期案件</td></tr>'}</tbody></table></section>
    <section><h2>超期与督办案件（${overdue.length}）</h2>
      <table id="overdue"><thead><tr><th>案件编号</th><th>类型</th><th>阶段</th><th>单位</th><th>督办级别</th><th>到期时间</th></tr></thead>
      <tbody>${caseRows || '<tr><td colspan="6">暂无</td></tr>'}</tbody></table></section>
    <p>在办且未超期案件：${escalated.length}</p>`;
}

async function renderCase(caseId, asOf) {
  const query = asOf ? `?as_of=${encodeURIComponent(asOf)}` : "";
  const [history, verify, detail] = await Promise.all([
    api(`/cases/${encodeURIComponent(caseId)}/history`),
    api(`/cases/${encodeURIComponent(caseId)}/verify`),
    api(`/cases/${encodeURIComponent(caseId)}${query}`),
  ]);
  const rows = history.map((e) => `
    <tr><td>${e.version}</td><td>${esc(time(e.occurred_at))}</td><td>${esc(e.actor)}（${esc(ROLE[e.actor_role] || e.actor_role)}）</td>
    <td>${esc(e.type)}</td><td>${esc(summary(e))}</td><td class="hash" title="${esc(e.hash)}">${esc(e.hash.slice(0, 16))}</td></tr>`).join("");
  const state = detail.state || {};
  const details = ["plan", "plans", "decision", "decisions", "appeal", "registration", "inspection", "person", "household"]
    .filter((key) => key in state && state[key] !== null)
    .map((key) => `<h3>${esc(key)}</h3><pre>${esc(JSON.stringify(state[key], null, 2))}</pre>`).join("");
  view.innerHTML = `
    <h2>${esc(caseId)} · ${esc(KIND[detail.kind] || detail.kind)} · <span id="stage">${esc(detail.stage_label)}</span></h2>
    <section id="verification">链校验：${verify.valid
      ? `<span class="ok">通过</span>（${verify.events} 条事件，链尾 <span class="hash">${esc(verify.head_hash.slice(0, 16))}</span>）`
      : `<span class="bad">失败</span>：第 ${esc(verify.first_bad_version)} 版，${esc(verify.problem)}`}</section>
    ${clockTable(detail.clocks)}
    ${scheduleTable((detail.details || {}).inspection_schedule)}
    <section><h3>时间线</h3>
      <table id="timeline"><thead><tr><th>版本</th><th>时间</th><th>操作人</th><th>事件</th><th>摘要</th><th>哈希</th></tr></thead>
      <tbody>${rows}</tbody></table></section>
    <section><h3>某一时刻的状态</h3>
      <form id="as-of"><input type="datetime-local" name="at" value="${esc(asOf || "")}"> <button type="submit">查看</button>
      <span>版本 <b id="as-of-version">${detail.version}</b>，阶段 <b id="as-of-stage">${esc(detail.stage_label)}</b></span></form>
      ${details}<details><summary>全部状态</summary><pre id="state">${esc(JSON.stringify(state, null, 2))}</pre></details></section>`;
  document.getElementById("as-of").addEventListener("submit", (submit) => {
    submit.preventDefault();
    const at = new FormData(submit.target).get("at");
    renderCase(caseId, at ? `${at}:00+08:00` : "").catch(showError);
  });
}

function showError(error) {
  view.innerHTML = `<p class="error">${esc(error.message)}</p>`;
}

async function route() {
  const who = document.getElementById("who");
  document.getElementById("sign-out").hidden = !token();
  who.textContent = sessionStorage.getItem("casework.user") || "";
  const hash = location.hash || "#/board";
  if (!token() || hash === "#/login") { renderLogin(); return; }
  const match = hash.match(/^#\/case\/(.+)$/);
  try {
    if (match) await renderCase(decodeURIComponent(match[1]));
    else await renderBoard();
  } catch (error) { showError(error); }
}

document.getElementById("sign-out").addEventListener("click", signOut);
window.addEventListener("hashchange", route);
route();
