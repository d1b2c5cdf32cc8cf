// The operators' workbench (my queue, what awaits my review, opening a case) and the case page
// (clocks, escalation, the commands the case accepts now, the timeline, views of the past).
"use strict";

const LATE_ENTRY_MS = 60 * 1000; // recorded more than a minute after it happened: entered late

function schemaOf(kind, type) {
  return catalogue.lifecycles[kind].commands[type];
}

function kindOf(caseId) {
  const prefix = caseId.split("-")[0];
  return Object.values(catalogue.lifecycles).find((lc) => lc.id_prefix === prefix)?.kind;
}

// Send a command as one user action; a refusal is shown in the form, which keeps what was typed.
async function submitCommand(path, command, at, outcome, form) {
  try {
    return await sendCommand(path, command, { effectiveAt: at });
  } catch (problem) {
    if (!(problem instanceof CommandProblem)) throw problem;
    if (problem.status === 401) { signOut(); return null; }
    if (problem.status === 422) {
      const names = markInvalid(form, problem.details);
      outcome.innerHTML = `<div class="refusal" role="alert"><b>请检查填写：</b>${esc(names.join("、") || "有字段不符合要求")}</div>`;
    } else {
      outcome.innerHTML = refusalHtml({ code: problem.code, message: problem.reason });
    }
    return null;
  }
}

async function renderWorkbench() {
  const user = me();
  const [queue, due, reviews, openings] = await Promise.all([
    api("/queue?limit=100"),
    api("/cases?include_closed=false&sort=urgency&limit=100"),
    api("/reviews"),
    api("/openings"),
  ]);
  // Escalated first (highest level, earliest due), then everything else that falls due.
  const seen = new Set(queue.map((c) => c.case_id));
  const work = [...queue, ...due.filter((c) => !seen.has(c.case_id))];
  const reviewRows = reviews.map((r) => `
    <tr data-case="${esc(r.case_id)}"><td><a href="#/case/${encodeURIComponent(r.case_id)}">${esc(r.case_id)}</a></td>
    <td>${esc(label.kind(r.kind))}</td><td>${esc(label.stage(r.kind, r.stage))}</td>
    <td>${esc(r.commands.map(label.command).join("、"))}</td><td>${r.makers.map((m) => `<span class="code">${esc(m)}</span>`).join("、")}</td><td>${esc(time(r.updated_at))}</td></tr>`).join("");
  const openers = openings.map(({ kind, command }) =>
    `<button type="button" class="open" data-kind="${esc(kind)}" data-type="${esc(command)}">${esc(label.kind(kind))}：${esc(label.command(command))}</button>`).join(" ");
  view.innerHTML = `
    <section><h2>我的待办（${work.length}）</h2>
      <p class="hint">已督办的案件在前，其余按到期时间排列。</p>
      <table id="queue"><thead>${CASE_HEAD}</thead>
      <tbody>${work.map(caseRow).join("") || '<tr><td colspan="6">暂无待办</td></tr>'}</tbody></table></section>
    <section><h2>待我复核（${reviews.length}）</h2>
      <p class="hint">他人起草、需要第二人审核的事项（审核人不得为起草人）。</p>
      <table id="reviews"><thead><tr><th>案件编号</th><th>类型</th><th>阶段</th><th>待办理</th><th>起草人</th><th>更新时间</th></tr></thead>
      <tbody>${reviewRows || '<tr><td colspan="6">暂无</td></tr>'}</tbody></table></section>
    ${openers ? `<section id="open-case"><h2>新建案件</h2><div>${openers}</div><div id="open-form"></div></section>` : ""}`;
  for (const button of view.querySelectorAll("button.open")) {
    button.addEventListener("click", () => showOpeningForm(button.dataset.kind, button.dataset.type));
  }
  if (user && user.role === "approver" && reviews.length) document.getElementById("reviews").scrollIntoView();
}

function showOpeningForm(kind, type) {
  const holder = document.getElementById("open-form");
  holder.innerHTML = "";
  holder.append(commandForm(type, schemaOf(kind, type), {
    backdating: catalogue.settings.backdating,
    onSubmit: async (command, at, outcome, form) => {
      const answer = await submitCommand("/cases", command, at, outcome, form);
      if (answer) location.hash = `#/case/${encodeURIComponent(answer.case_id)}`;
    },
  }));
}

// The source a clock's number comes from (the part of its rule before the colon), where it
// names a Chinese document; the rest of the rule is the developers' note.
function ruleSource(rule) {
  const source = String(rule || "").split(":")[0].replace(/\[local\]/g, "").trim();
  return /[\u4e00-\u9fff]/.test(source) ? source : "";
}

// A deadline as the law states it: an instant at Shanghai midnight is 24:00 of the day before.
function deadline(value) {
  if (!value) return "";
  const local = new Date(new Date(value).getTime() + 8 * 3600 * 1000);  // Asia/Shanghai, UTC+8
  if (local.getUTCHours() || local.getUTCMinutes() || local.getUTCSeconds() || local.getUTCMilliseconds()) return time(value);
  const before = new Date(local.getTime() - 24 * 3600 * 1000).toISOString().slice(0, 10);
  return `${before} 24:00`;
}

// An organisation's inspection years ahead: each year's due dates, or why it is skipped.
function scheduleTable(items) {
  if (!items || !items.length) return "";
  const rows = items.map((i) => `
    <tr><td>${esc(i.year)}</td><td>${esc(i.opens_on)}</td><td>${esc(i.sponsor_due_on || "—")}</td>
    <td>${esc(i.authority_due_on || "—")}</td><td>${esc(i.reason_zh || "")}</td></tr>`).join("");
  return `<section><h3>年检安排</h3>
    <table id="inspection-schedule"><thead><tr><th>年度</th><th>开启</th><th>业务主管单位截止</th><th>登记管理机关截止</th><th>说明</th></tr></thead>
    <tbody>${rows}</tbody></table></section>`;
}

function clocksTable(kind, state, asOf, views) {
  const now = asOf ? new Date(asOf) : new Date();
  const byName = Object.fromEntries((views || []).map((v) => [v.name, v]));
  const rows = Object.values(state.clocks || {}).map((clock) => {
    const view = byName[clock.spec.name] || {};
    const due = new Date(clock.due_at);
    const late = clock.paused_at ? 0 : Math.floor((now - due) / 86400000);
    const overdue = !clock.paused_at && now > due;
    const status = clock.paused_at ? `暂停（${time(clock.paused_at)} 起）` : overdue ? (late >= 1 ? `已逾期 ${late} 天` : "已到期（逾期不足 1 天）") : "未到期";
    return `<tr class="${overdue ? "late" : ""} ${view.fallback ? "fallback" : ""} level-${clock.reached > 0 ? clock.reached : 0}" data-clock="${esc(clock.spec.name)}">
      <td>${esc(label.clock(clock.spec.name))}</td><td class="due-on">${esc(clock.due_on || view.due_on || "")}</td><td>${esc(deadline(clock.due_at))}</td>
      <td class="overdue">${esc(status)}</td><td>${esc(label.rung(clock.reached))}</td>
      <td>${esc(ruleSource(clock.spec.rule))}</td>
      <td class="basis">${view.fallback ? "⚠ " : ""}${esc(view.basis_zh || "")}</td></tr>`;
  }).join("");
  return `<table id="clocks"><thead><tr><th>时限</th><th>截止日</th><th>到期时间</th><th>状态</th><th>已到督办</th><th>依据</th><th>日历</th></tr></thead>
    <tbody>${rows || '<tr><td colspan="7">没有计时中的时限</td></tr>'}</tbody></table>`;
}

function escalationOf(state) {
  return Math.max(0, ...Object.values(state.clocks || {}).map((c) => (c.reached >= 1 ? c.reached : 0)));
}

function timelineRows(kind, history) {
  return history.map((e) => {
    const late = Math.abs(new Date(e.recorded_at) - new Date(e.occurred_at)) > LATE_ENTRY_MS;
    return `<tr class="${late ? "late-entry" : ""}" data-version="${e.version}"><td>${e.version}</td><td>${esc(time(e.occurred_at))}</td>
      <td>${late ? `<span class="late-mark">补录</span> ${esc(time(e.recorded_at))}` : ""}</td>
      <td>${e.actor === "system" ? esc(label.role("system")) : `<span class="code">${esc(e.actor)}</span>`}（${esc(e.actor_role_label || label.role(e.actor_role))}）</td>
      <td title="${esc(e.type)}">${esc(e.type_label || label.event(e.type))}</td><td>${esc(e.summary || "")}</td>
      <td class="hash" title="${esc(e.hash)}">${esc(e.hash.slice(0, 16))}</td></tr>`;
  }).join("");
}

async function renderCase(caseId, asOf) {
  const kind = kindOf(caseId);
  const query = asOf ? `?as_of=${encodeURIComponent(asOf)}` : "";
  const [history, verify, detail, offers] = await Promise.all([
    api(`/cases/${encodeURIComponent(caseId)}/history`),
    api(`/cases/${encodeURIComponent(caseId)}/verify`),
    api(`/cases/${encodeURIComponent(caseId)}${query}`),
    asOf ? Promise.resolve(null) : api(`/cases/${encodeURIComponent(caseId)}/offers`),
  ]);
  const state = detail.state || {};
  const shown = asOf ? history.filter((e) => e.version <= detail.version) : history;
  const lateCount = shown.filter((e) => Math.abs(new Date(e.recorded_at) - new Date(e.occurred_at)) > LATE_ENTRY_MS).length;
  const escalation = escalationOf(state);
  const banner = asOf
    ? `<div class="as-of-banner" id="as-of-banner">历史视图：这是 <b>${esc(time(asOf))}</b>（上海时间）时的案件状态（第 ${detail.version} 版），不是现在的状态；此处不能办理。
       <a href="#/case/${encodeURIComponent(caseId)}">回到现在</a></div>`
    : "";
  const orgName = kind === "social_org" && state.org_name ? `<span id="org-name">${esc(state.org_name)}</span> · ` : "";
  view.innerHTML = `${banner}
    <h2>${orgName}${esc(caseId)} · ${esc(label.kind(kind))} · <span id="stage">${esc(label.stage(kind, detail.stage))}</span></h2>
    <p class="facts">${state.unit ? `<span>单位：${esc(state.unit)}</span>` : ""}
      <span id="escalation" class="level-${escalation}">督办级别：${esc(level(escalation))}</span>
      ${state.closed ? '<span class="closed">已结案</span>' : ""}
      ${lateCount ? `<span id="late-entries" class="late-mark">补录事件 ${lateCount} 条</span>` : ""}</p>
    <section><h3>时限</h3>${clocksTable(kind, state, asOf, detail.clocks)}</section>
    ${scheduleTable((detail.details || {}).inspection_schedule)}
    ${offers ? `<section id="commands"><h3>现在可办理</h3><div id="offers"></div><div id="command-form"></div>
      ${offers.other_roles.length ? `<p class="hint" id="other-roles">需其他岗位办理：${esc(offers.other_roles.map(label.command).join("、"))}</p>` : ""}</section>` : ""}
    <section id="verification">链校验：${verify.valid
      ? `<span class="ok">通过</span>（${verify.events} 条事件，链尾 <span class="hash">${esc(verify.head_hash.slice(0, 16))}</span>）`
      : `<span class="bad">失败</span>：第 ${esc(verify.first_bad_version)} 版`}</section>
    <section><h3>时间线</h3>
      <table id="timeline"><thead><tr><th>版本</th><th>发生时间</th><th>录入</th><th>操作人</th><th>事件</th><th>摘要</th><th>哈希</th></tr></thead>
      <tbody>${timelineRows(kind, shown) || '<tr><td colspan="7">这一时刻之前没有事件</td></tr>'}</tbody></table></section>
    <section><h3>查看过去某一时刻</h3>
      <form id="as-of"><input type="datetime-local" name="at"> <button type="submit">查看</button>
      <span>版本 <b id="as-of-version">${detail.version}</b>，阶段 <b id="as-of-stage">${esc(label.stage(kind, detail.stage))}</b></span></form>
      <details><summary>全部状态（原始数据）</summary><pre id="state">${esc(JSON.stringify(state, null, 2))}</pre></details></section>`;
  if (offers) {
    const holder = document.getElementById("offers");
    const hidden = new Set(["EscalateClock"]);
    for (const type of offers.yours.filter((t) => !hidden.has(t))) {
      const button = element("button", { type: "button", class: "offer", "data-command": type, text: label.command(type) });
      button.addEventListener("click", () => showCommandForm(caseId, kind, type, state));
      holder.append(button);
    }
    if (!holder.children.length) holder.textContent = "此案件现在没有您可办理的事项。";
  }
  document.getElementById("as-of").addEventListener("submit", (submit) => {
    submit.preventDefault();
    const at = new FormData(submit.target).get("at");
    location.hash = at ? `#/case/${encodeURIComponent(caseId)}?at=${encodeURIComponent(`${at}:00+08:00`)}` : `#/case/${encodeURIComponent(caseId)}`;
  });
}

function showCommandForm(caseId, kind, type, state) {
  const clocks = Object.fromEntries(Object.keys(state.clocks || {}).map((name) => [name, label.clock(name)]));
  const holder = document.getElementById("command-form");
  holder.innerHTML = "";
  holder.append(commandForm(type, schemaOf(kind, type), {
    backdating: catalogue.settings.backdating,
    choices: { clock: clocks },
    onSubmit: async (command, at, outcome, form) => {
      const answer = await submitCommand(`/cases/${encodeURIComponent(caseId)}/commands`, command, at, outcome, form);
      if (answer) { await renderCase(caseId, ""); showDone(type); }
    },
  }));
  holder.scrollIntoView();
}

function showDone(type) {
  const note = element("p", { class: "done", id: "done", text: `已办理：${label.command(type)}` });
  document.getElementById("commands")?.prepend(note);
}
