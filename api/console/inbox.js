// The signed-in user's notifications: the unread count in the console's header, and the
// inbox page (unread first, each linking to its case). Uses GET /inbox and POST /inbox/read.
"use strict";

(() => {
  const token = () => sessionStorage.getItem("casework.token");
  const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const when = (v) => (v ? new Date(v).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false }) : "");
  const RULE = { clock_escalated: "期限督办", police_report: "报警", handover: "交接", applicant_notice: "告知申请人", four_eyes_request: "待审批" };

  async function call(path, body) {
    const init = { headers: { Authorization: `Bearer ${token()}` } };
    if (body !== undefined) {
      init.method = "POST";
      init.headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    if (!response.ok) throw new Error(`${response.status}`);
    return response.json();
  }

  async function headerCount() {
    const nav = document.querySelector("header nav");
    if (!nav || !token()) return;
    let link = document.getElementById("nav-inbox");
    if (!link) {
      link = document.createElement("a");
      link.id = "nav-inbox";
      link.href = "/console/inbox";
      nav.insertBefore(link, nav.children[1] || null);
    }
    const inbox = await call("/inbox?unread_only=true&limit=1");
    link.innerHTML = `收件箱 <span id="inbox-unread" class="badge">${inbox.unread}</span>`;
  }

  async function renderInbox(view) {
    if (!token()) { view.innerHTML = `<p>请先 <a href="/console#/login">登录</a>。</p>`; return; }
    const inbox = await call("/inbox");
    const rows = inbox.items.map((n) => `
      <tr class="${n.read ? "read" : "unread"}" data-id="${n.notification_id}">
        <td>${n.read ? "" : "●"}</td>
        <td>${esc(when(n.created_at))}</td>
        <td>${esc(RULE[n.rule] || n.rule)}</td>
        <td><a class="case-link" href="${esc(n.link)}">${esc(n.case_id)}</a></td>
        <td>${esc(n.title_zh)}</td>
        <td>${esc(when(n.due_at))}</td>
        <td>${n.read ? "" : `<button type="button" class="mark-read">已读</button>`}</td>
      </tr>`).join("");
    view.innerHTML = `
      <h2>收件箱 <span id="inbox-unread" class="badge">${inbox.unread}</span> 条未读</h2>
      <table class="inbox"><thead><tr><th></th><th>时间</th><th>类别</th><th>案件</th><th>内容</th><th>期限</th><th></th></tr></thead>
      <tbody>${rows || `<tr><td colspan="7">暂无通知</td></tr>`}</tbody></table>`;
    view.querySelectorAll("tr[data-id]").forEach((tr) => {
      const id = Number(tr.dataset.id);
      const read = () => call("/inbox/read", { ids: [id] });
      tr.querySelector(".case-link").addEventListener("click", () => { read(); });
      const button = tr.querySelector(".mark-read");
      if (button) button.addEventListener("click", async () => { await read(); await renderInbox(view); });
    });
  }

  const view = document.getElementById("inbox-view");
  if (view) renderInbox(view).catch((e) => { view.innerHTML = `<p class="error">${esc(e.message)}</p>`; });
  else {
    const refresh = () => headerCount().catch(() => {});
    refresh();
    window.addEventListener("hashchange", refresh);
    setInterval(refresh, 30000);
  }
})();
