// Forms generated from a command's JSON schema (served by GET /lifecycles from the pydantic
// model): labels from the catalogue, enums as choices, lists as repeatable fields, nested
// objects as fieldsets. No command has a hand-written form.
"use strict";

function element(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) node.append(child);
  return node;
}

function resolve(schema, root) {
  while (schema && schema.$ref) {
    const name = schema.$ref.replace("#/$defs/", "");
    schema = { ...root.$defs[name], ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== "$ref")) };
  }
  return schema;
}

// An optional field is `anyOf: [X, {type: null}]`: the field is X, and may be left empty.
function unwrap(schema, root) {
  schema = resolve(schema, root);
  if (schema.anyOf) {
    const options = schema.anyOf.filter((s) => s.type !== "null");
    if (options.length === 1) {
      const inner = resolve(options[0], root);
      return { schema: { ...inner, default: schema.default, description: schema.description ?? inner.description }, nullable: true };
    }
  }
  return { schema, nullable: false };
}

function fieldLabel(name) {
  return label.field(name);
}

// Build the control of one value; returns { node, read, path } where read() gives the value
// (undefined: leave it out of the command) and path names it for error messages.
function control(schema, root, name, path, required) {
  const { schema: s, nullable } = unwrap(schema, root);
  const optional = !required;
  if (s.enum) return choiceControl(s, name, path, required && !nullable);
  if (s.type === "boolean") {
    const box = element("input", { type: "checkbox", name: path, "data-field": path });
    box.checked = s.default === true;
    return { node: element("label", { class: "check" }, [box, " ", fieldLabel(name)]), read: () => box.checked, inline: true };
  }
  if (s.type === "integer" || s.type === "number") {
    const input = element("input", {
      type: "number", name: path, "data-field": path, step: s.type === "integer" ? "1" : "any",
      min: s.minimum ?? s.exclusiveMinimum, max: s.maximum ?? s.exclusiveMaximum, required: required && !nullable,
    });
    if (s.default !== undefined && s.default !== null) input.value = s.default;
    return { node: input, read: () => (input.value === "" ? (optional || nullable ? undefined : null) : Number(input.value)) };
  }
  const known = formChoices[path];
  if (s.type === "string" && known) {
    // A value the case itself names (e.g. one of its running clocks): chosen, not typed.
    return choiceControl({ enum: Object.keys(known), default: s.default }, name, path, required && !nullable, known);
  }
  if (s.type === "string") {
    const long = (s.maxLength ?? 0) > 200;
    const kind = s.format === "date" ? "date" : s.format === "date-time" ? "datetime-local" : "text";
    const input = long
      ? element("textarea", { name: path, "data-field": path, rows: "2", maxlength: s.maxLength, required: required && !nullable })
      : element("input", { type: kind, name: path, "data-field": path, maxlength: s.maxLength, pattern: s.pattern, required: required && !nullable });
    if (typeof s.default === "string") input.value = s.default;
    const read = () => {
      if (input.value === "") return required && !nullable ? "" : undefined;
      return kind === "datetime-local" ? `${input.value}:00+08:00` : input.value;
    };
    return { node: input, read };
  }
  if (s.type === "array") return listControl(s, root, name, path, required);
  if (s.type === "object" || s.properties) return objectControl(s, root, name, path, required, nullable);
  const input = element("input", { type: "text", name: path, "data-field": path });
  return { node: input, read: () => (input.value === "" ? undefined : input.value) };
}

function choiceControl(s, name, path, required, names) {
  const select = element("select", { name: path, "data-field": path, required });
  select.append(element("option", { value: "", text: required ? "请选择" : "（不填）" }));
  for (const value of s.enum) {
    const option = element("option", { value, text: names ? names[value] : label.value(value, s.title) });
    if (s.default === value) option.selected = true;
    select.append(option);
  }
  return { node: select, read: () => (select.value === "" ? (required ? null : undefined) : select.value) };
}

function listControl(s, root, name, path, required) {
  const items = resolve(s.items || {}, root);
  if (items.enum) {
    // A list of choices: one box per choice.
    const boxes = items.enum.map((value) => {
      const box = element("input", { type: "checkbox", value, name: path, "data-field": `${path}.${value}` });
      if ((s.default || []).includes(value)) box.checked = true;
      return { box, node: element("label", { class: "check" }, [box, " ", label.value(value, items.title)]) };
    });
    const node = element("span", { class: "choices", "data-field": path }, boxes.map((b) => b.node));
    return { node, read: () => boxes.filter((b) => b.box.checked).map((b) => b.box.value) };
  }
  const rows = [];
  const list = element("div", { class: "repeat", "data-field": path });
  const add = element("button", { type: "button", class: "add", text: "＋ 添加一项" });
  const addRow = () => {
    const index = rows.length;
    const inner = control(s.items || {}, root, name, `${path}.${index}`, true);
    const legend = inner.node.tagName === "FIELDSET" ? inner.node.querySelector("legend") : null;
    if (legend) legend.textContent = `${fieldLabel(name)} ${rows.length + 1}`;
    const remove = element("button", { type: "button", class: "remove", text: "删除" });
    const row = element("div", { class: "repeat-item" }, [inner.node, remove]);
    const entry = { inner, row };
    remove.addEventListener("click", () => { rows.splice(rows.indexOf(entry), 1); row.remove(); });
    rows.push(entry);
    list.insertBefore(row, add);
  };
  add.addEventListener("click", addRow);
  list.append(add);
  if (required && (s.minItems ?? 0) > 0) addRow();
  return { node: list, read: () => rows.map((r) => r.inner.read()).filter((v) => v !== undefined) };
}

function objectControl(s, root, name, path, required, nullable) {
  const fieldset = element("fieldset", { "data-field": path || "." });
  if (name) fieldset.append(element("legend", { text: fieldLabel(name) }));
  const required_ = new Set(s.required || []);
  const fields = [];
  for (const [key, sub] of Object.entries(s.properties || {})) {
    if (key === "type" && sub.const) continue; // the command's own name, sent as is
    const childPath = path ? `${path}.${key}` : key;
    const child = control(sub, root, key, childPath, required_.has(key));
    const mark = required_.has(key) ? " *" : "";
    let row;
    if (child.node.tagName === "FIELDSET") {
      child.node.querySelector("legend").textContent += mark; // a nested object names itself
      row = child.node;
    } else if (child.inline) {
      row = element("div", { class: "field" }, [child.node]);
    } else {
      // One input: a label around it; several (a list, a set of choices): a plain row.
      const many = child.node.classList.contains("repeat") || child.node.classList.contains("choices");
      row = element(many ? "div" : "label", { class: "field" }, [element("span", { class: "name", text: fieldLabel(key) + mark }), child.node]);
    }
    fieldset.append(row);
    fields.push([key, child]);
  }
  let enabled = () => true;
  if (nullable) {
    // An optional nested object: filled in only when asked for.
    const toggle = element("input", { type: "checkbox", "data-field": `${path}.?` });
    toggle.checked = required;
    const body = [...fieldset.children].filter((n) => n.tagName !== "LEGEND");
    const sync = () => body.forEach((n) => { n.hidden = !toggle.checked; });
    toggle.addEventListener("change", sync);
    fieldset.insertBefore(element("label", { class: "check" }, [toggle, " 填写此项"]), body[0] || null);
    sync();
    enabled = () => toggle.checked;
  }
  const read = () => {
    if (!enabled()) return undefined;
    const value = {};
    for (const [key, child] of fields) {
      const v = child.read();
      if (v !== undefined) value[key] = v;
    }
    return value;
  };
  return { node: fieldset, read };
}

// Values the case names for some fields, by field path: { clock: { plan_approval: "…" } }.
let formChoices = {};

// A whole command's form: fields, an optional paper-file date, and a submit button. `onSubmit`
// receives the command and the paper date (or null); the form and what was typed stay.
function commandForm(type, schema, { backdating, onSubmit, choices }) {
  formChoices = choices || {};
  const form = element("form", { class: "command", "data-command": type });
  form.append(element("h4", { text: label.command(type) }));
  const body = objectControl(schema, schema, "", "", true);
  form.append(body.node);
  let paper = null;
  if (backdating) {
    paper = element("input", { type: "datetime-local", name: "effective_at", "data-field": "effective_at" });
    form.append(element("label", { class: "field paper" }, [
      element("span", { class: "name", text: "纸质档案补录：实际发生时间（留空即现在）" }), paper]));
  }
  const submit = element("button", { type: "submit", text: `提交：${label.command(type)}` });
  const outcome = element("div", { class: "outcome", "aria-live": "polite" });
  form.append(submit, outcome);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const command = { type, ...body.read() };
    const at = paper && paper.value ? `${paper.value}:00+08:00` : null;
    submit.disabled = true;
    try { await onSubmit(command, at, outcome, form); } finally { submit.disabled = false; }
  });
  return form;
}

// Where the server said a field is wrong (422 details), mark it and say so in Chinese.
function markInvalid(form, details) {
  form.querySelectorAll(".invalid").forEach((n) => n.classList.remove("invalid"));
  const names = [];
  for (const detail of details || []) {
    const loc = (detail.loc || []).filter((part) => part !== "body" && !/^[A-Z]/.test(String(part)));
    const path = loc.join(".");
    const node = form.querySelector(`[data-field="${CSS.escape(path)}"]`);
    if (node) node.classList.add("invalid");
    const last = loc.filter((p) => typeof p === "string").pop();
    if (last) names.push(fieldLabel(last));
  }
  return [...new Set(names)];
}

// The legal basis a refusal names: 《…》 with its article, as the catalogue's reasons cite it.
function basisOf(message) {
  const found = String(message || "").match(/《[^》]+》[^，。；;）)]*/g);
  return found ? found.join("；") : "";
}

function refusalHtml(body) {
  const basis = body.basis ?? basisOf(body.message);
  return `<div class="refusal" role="alert" data-code="${esc(body.code || "")}"><b>未办理：</b><span class="reason">${esc(body.message || label.error(body.code) || "操作被拒绝")}</span>`
    + (basis ? `<div class="basis">依据：${esc(basis)}</div>` : "")
    + "<div>未写入任何记录，已填写的内容保留在表单中。</div></div>";
}
