// Sending commands from the console: one fresh Idempotency-Key per user action, the same key on
// every retry of that action, so pressing "send" again (or a lost answer) never records twice.
// A 202 is followed to its status URL until the case has recorded or refused the command.
"use strict";

// 503 codes that say for certain that nothing was changed; anything else ambiguous is retried.
const CERTAIN_NOTHING_CHANGED = new Set(["temporal_unavailable", "postgresql_unavailable"]);
const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000, 8000];
const POLL_FOR_MS = 60000;

class CommandProblem extends Error {
  constructor(status, code, message, details) {
    super(`${code}: ${message}`);
    this.status = status;
    this.code = code;
    this.reason = message; // the answer's own (Chinese) message
    this.details = details; // a 422's field errors
  }
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function ambiguous(status, code) {
  if (status === 0 || status === 502 || status === 504) return true;
  if (status === 409) return code === "idempotency_key_in_use";
  return status === 503 && !CERTAIN_NOTHING_CHANGED.has(code);
}

function authHeaders() {
  const bearer = sessionStorage.getItem("casework.token");
  return bearer ? { Authorization: `Bearer ${bearer}` } : {};
}

async function followStatus(location, pending) {
  const deadline = Date.now() + POLL_FOR_MS;
  let delay = 500;
  while (Date.now() < deadline) {
    let status = { status: "pending" };
    try {
      const response = await fetch(location, { headers: authHeaders() });
      if (response.ok) status = await response.json();
    } catch (_) { /* the API is unreachable for a moment: ask again */ }
    if (status.status === "recorded") {
      return { case_id: status.case_id, version: status.version, stage: status.stage, events: status.events };
    }
    if (status.status === "refused") throw new CommandProblem(409, status.code, status.message || "");
    if (status.status === "unknown") return null;
    await pause(delay);
    delay = Math.min(delay * 2, 5000);
  }
  throw new CommandProblem(202, "command_pending", `已受理，尚未记录：${pending.case_id}（状态：${location}）`);
}

// POST a command (path: "/cases" or "/cases/{id}/commands") as one user action; `effectiveAt`
// (an ISO time) enters a paper file's step with its real date (X-Effective-At).
async function sendCommand(path, body, { effectiveAt } = {}) {
  const key = crypto.randomUUID();
  const headers = { ...authHeaders(), "Content-Type": "application/json", "Idempotency-Key": key };
  if (effectiveAt) headers["X-Effective-At"] = effectiveAt;
  let unsure = false; // an earlier attempt may have reached the case
  for (let attempt = 0; ; attempt += 1) {
    let status = 0;
    let answer = {};
    let location = "";
    try {
      const response = await fetch(path, { method: "POST", headers, body: JSON.stringify(body) });
      status = response.status;
      location = response.headers.get("Location") || "";
      answer = await response.json().catch(() => ({}));
    } catch (_) {
      status = 0; // no answer at all: the command may or may not have arrived
    }
    if (status === 202) {
      const outcome = await followStatus(location, answer);
      if (outcome !== null) return outcome;
    } else if (status >= 200 && status < 300) {
      return answer;
    } else {
      // After an ambiguous attempt, "nothing was changed" speaks only for the later attempt.
      const retry = ambiguous(status, answer.code) || (unsure && status === 503);
      unsure = unsure || ambiguous(status, answer.code);
      if (!retry) {
        throw new CommandProblem(status, answer.code || `http_${status}`, answer.message || "无法连接", answer.details);
      }
      if (attempt >= RETRY_DELAYS_MS.length) {
        throw unsure
          ? new CommandProblem(status, "outcome_unknown", "结果未知：命令可能已被受理，请先查看案件，勿重复提交")
          : new CommandProblem(status, answer.code || `http_${status}`, answer.message || "无法连接", answer.details);
      }
    }
    if (attempt >= RETRY_DELAYS_MS.length) throw new CommandProblem(503, "command_unknown", "命令未送达");
    await pause(RETRY_DELAYS_MS[attempt]);
  }
}

window.sendCommand = sendCommand;
