// The supervisor's statistics page: six charts drawn with Chart.js (vendored in vendor/, served
// by the API), each with its numbers as a table and as a CSV download (GET /stats/{chart}).
"use strict";

const PALETTE = ["#8c1d18", "#1f5f99", "#2e7d32", "#b26a00", "#6a1b9a", "#00838f", "#5d4037"];
const charts = [];

// Each chart: its title, what its numbers mean, and how its table becomes datasets.
const CHARTS = [
  {
    id: "cases-by-month", title: "各月新建与结案案件", type: "bar",
    note: "按业务类型汇总；可按单位筛选。",
    series: (t) => byKind(t, ["opened", "closed"], { opened: "新建", closed: "结案" }),
  },
  {
    id: "overdue-by-month", title: "逾期占比", type: "line", percent: true,
    note: "当月在办案件中，有时限到期（L1）或更高督办的案件所占比例。",
    series: (t) => byKind(t, ["overdue_share"], { overdue_share: "" }),
  },
  {
    id: "escalations-by-month", title: "各级督办次数", type: "bar", stacked: true,
    note: "按到期所在月份统计每一级督办。",
    series: (t) => summed(t, ["level_1", "level_2", "level_3"], { level_1: level(1), level_2: level(2), level_3: level(3) }),
  },
  {
    id: "rescue-stay", title: "在站时长中位数（天）", type: "line",
    note: "从入站登记到离站，按离站月份统计。",
    series: (t) => summed(t, ["median_stay_days", "exits"], { median_stay_days: "在站天数中位数", exits: "离站人数" }),
  },
  {
    id: "appeal-outcomes", title: "行政复议结果", type: "bar", stacked: true,
    note: "按复议决定年份统计。",
    series: (t) => summed(t, ["upheld", "overturned", "varied"], {
      upheld: label.value("upheld", "AppealOutcome"),
      overturned: label.value("overturned", "AppealOutcome"),
      varied: label.value("varied", "AppealOutcome"),
    }),
  },
  {
    id: "inspections", title: "社会组织年检（按年度）", type: "bar",
    note: "向登记管理机关报送年度工作报告：应报、已报、逾期报送、到期未报。",
    series: (t) => summed(t, ["due", "filed", "filed_late", "missed"], { due: "应报", filed: "已报", filed_late: "逾期报送", missed: "到期未报" }),
  },
];

// One dataset per lifecycle (and column), over the table's first column (month or year).
function byKind(table, columns, names) {
  const at = (name) => table.columns.indexOf(name);
  const periods = [...new Set(table.rows.map((r) => r[0]))];
  const kinds = [...new Set(table.rows.map((r) => r[at("kind")]))];
  const datasets = [];
  for (const kind of kinds) {
    for (const column of columns) {
      const values = periods.map((p) => table.rows
        .filter((r) => r[0] === p && r[at("kind")] === kind)
        .reduce((sum, r) => (sum ?? 0) + Number(r[at(column)]), null));
      datasets.push({ label: `${label.kind(kind)}${names[column] ? " " + names[column] : ""}`, data: values });
    }
  }
  return { periods, datasets };
}

// One dataset per column, summed over the other columns (kinds, units).
function summed(table, columns, names) {
  const periods = [...new Set(table.rows.map((r) => r[0]))];
  const datasets = columns.map((column) => {
    const i = table.columns.indexOf(column);
    return { label: names[column], data: periods.map((p) => table.rows.filter((r) => r[0] === p).reduce((s, r) => s + Number(r[i]), 0)) };
  });
  return { periods, datasets };
}

async function downloadCsv(id, unit) {
  const query = new URLSearchParams({ format: "csv", ...(unit ? { unit } : {}) });
  const response = await fetch(`/stats/${id}?${query}`, { headers: authHeaders() });
  const blob = await response.blob();
  const link = element("a", { href: URL.createObjectURL(blob), download: `${id}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
}

function tableHtml(spec, series) {
  const head = `<tr><th>时间</th>${series.datasets.map((d) => `<th>${esc(d.label)}</th>`).join("")}</tr>`;
  const rows = series.periods.map((p, i) => `<tr><td>${esc(p)}</td>${series.datasets
    .map((d) => `<td>${d.data[i] === null ? "" : esc(spec.percent ? `${(d.data[i] * 100).toFixed(1)}%` : d.data[i])}</td>`).join("")}</tr>`).join("");
  return `<table class="numbers">${head}${rows || '<tr><td colspan="9">暂无数据</td></tr>'}</table>`;
}

async function renderStats() {
  for (const chart of charts.splice(0)) chart.destroy();
  const unit = new URLSearchParams(location.hash.split("?")[1] || "").get("unit") || "";
  view.innerHTML = `<h2>统计分析</h2>
    <form id="stats-filter"><label>单位 <input name="unit" value="${esc(unit)}" placeholder="全部单位"></label> <button type="submit">筛选</button></form>
    <div class="charts">${CHARTS.map((c) => `
      <section class="chart" id="chart-${c.id}" data-chart="${c.id}"><h3>${esc(c.title)}</h3><p class="hint">${esc(c.note)}</p>
        <div class="canvas"><canvas></canvas></div>
        <button type="button" class="csv" data-chart="${c.id}">下载 CSV</button>
        <details><summary>数据</summary><div class="data"></div></details></section>`).join("")}</div>`;
  document.getElementById("stats-filter").addEventListener("submit", (submit) => {
    submit.preventDefault();
    const chosen = new FormData(submit.target).get("unit");
    location.hash = chosen ? `#/stats?unit=${encodeURIComponent(chosen)}` : "#/stats";
  });
  for (const button of view.querySelectorAll("button.csv")) {
    button.addEventListener("click", () => downloadCsv(button.dataset.chart, unit));
  }
  const tables = await Promise.all(CHARTS.map((c) => api(`/stats/${c.id}${unit ? `?unit=${encodeURIComponent(unit)}` : ""}`)));
  CHARTS.forEach((spec, index) => {
    const section = document.getElementById(`chart-${spec.id}`);
    const series = spec.series(tables[index]);
    section.querySelector(".data").innerHTML = tableHtml(spec, series);
    const chart = new Chart(section.querySelector("canvas"), {
      type: spec.type,
      data: {
        labels: series.periods,
        datasets: series.datasets.map((d, i) => ({ ...d, backgroundColor: PALETTE[i % PALETTE.length], borderColor: PALETTE[i % PALETTE.length], spanGaps: true })),
      },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        plugins: { legend: { position: "bottom" } },
        scales: {
          x: { stacked: !!spec.stacked },
          y: { stacked: !!spec.stacked, beginAtZero: true, ticks: spec.percent ? { callback: (v) => `${Math.round(v * 100)}%` } : { precision: 0 } },
        },
      },
    });
    charts.push(chart);
    section.dataset.drawn = "true";
  });
}
