// floodgate dashboard: fetches the JSON API and renders it. Every value that comes
// from traffic (route names, client keys) is written with textContent, never as
// HTML, so a hostile API key cannot inject markup into the page.
"use strict";

(function () {
  const REFRESH_MS = 5000;
  // Chart resolution per window: about 60-100 points, whole minutes (rollups are per minute).
  const STEPS = { "5m": "1m", "15m": "1m", "1h": "1m", "6h": "5m", "24h": "15m" };
  const DEFAULT_WINDOW = "1h";

  const numberFormat = new Intl.NumberFormat("en-US");
  let currentWindow = windowFromHash();
  let chart = null;
  let timer = null;
  let generation = 0; // drops replies of a window that is no longer selected

  function windowFromHash() {
    const m = /window=([0-9a-z]+)/.exec(location.hash);
    return m && STEPS[m[1]] ? m[1] : DEFAULT_WINDOW;
  }

  function $(id) {
    return document.getElementById(id);
  }

  function formatCount(n) {
    return numberFormat.format(n);
  }

  function formatRate(r) {
    return (r * 100).toFixed(r > 0 && r < 0.001 ? 3 : 1) + "%";
  }

  function formatMs(ms) {
    if (ms === null || ms === undefined) return "–";
    if (ms >= 1000) return (ms / 1000).toFixed(2) + " s";
    return (ms >= 10 ? ms.toFixed(0) : ms.toFixed(2)) + " ms";
  }

  function setNumber(id, value, text) {
    const el = $(id);
    el.dataset.value = String(value);
    el.textContent = text;
  }

  async function getJson(path) {
    const res = await fetch(path, { cache: "no-store" });
    const body = await res.json().catch(() => null);
    if (!res.ok) {
      const why = body && body.message ? body.message : res.status + " " + res.statusText;
      throw new Error(path.split("?")[0] + ": " + why);
    }
    return body;
  }

  function cell(row, text, className) {
    const td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  // Rows for a table body: a placeholder row when there is nothing to show.
  function startRows(items, columns, emptyText) {
    const rows = [];
    if (items.length === 0) {
      const tr = document.createElement("tr");
      cell(tr, emptyText, "empty").colSpan = columns;
      rows.push(tr);
    }
    return rows;
  }

  function tbody(tableId) {
    return $(tableId).querySelector("tbody");
  }

  function renderSummary(s) {
    setNumber("total", s.total, formatCount(s.total));
    setNumber("allowed", s.allowed, formatCount(s.allowed));
    setNumber("blocked", s.blocked, formatCount(s.blocked));
    setNumber("block-rate", s.block_rate, formatRate(s.block_rate));
    const d = s.decisions;
    $("allowed-detail").textContent =
      d.shadow_blocked || d.fail_open
        ? `incl. ${formatCount(d.shadow_blocked)} shadow, ${formatCount(d.fail_open)} fail-open`
        : "";
    $("blocked-detail").textContent = d.fail_closed
      ? `incl. ${formatCount(d.fail_closed)} fail-closed`
      : "";
    $("latency-detail").textContent =
      s.total > 0 ? `latency p50 ${formatMs(s.p50_ms)} · p99 ${formatMs(s.p99_ms)}` : "";
  }

  function renderRoutes(routes) {
    const rows = startRows(routes, 8, "no traffic in this window");
    for (const r of routes) {
      const tr = document.createElement("tr");
      cell(tr, r.route, "key");
      cell(tr, formatCount(r.total), "num");
      cell(tr, formatCount(r.allowed), "num");
      cell(tr, formatCount(r.blocked), r.blocked > 0 ? "num bad" : "num");
      cell(tr, formatRate(r.block_rate), "num");
      cell(tr, formatCount(r.decisions.shadow_blocked), "num");
      cell(tr, formatMs(r.p50_ms), "num");
      cell(tr, formatMs(r.p99_ms), "num");
      rows.push(tr);
    }
    tbody("routes").replaceChildren(...rows);
  }

  function renderTopBlocked(clients) {
    const rows = startRows(clients, 3, "nobody blocked in this window");
    for (const c of clients) {
      const tr = document.createElement("tr");
      cell(tr, c.client_key, "key");
      cell(tr, c.route, "key");
      cell(tr, formatCount(c.blocked), "num bad");
      rows.push(tr);
    }
    tbody("top-blocked").replaceChildren(...rows);
  }

  function chartWidth() {
    return Math.max(300, $("chart").clientWidth || 800);
  }

  function renderSeries(points) {
    const data = [
      points.map((p) => p.ts),
      points.map((p) => p.allowed),
      points.map((p) => p.blocked),
    ];
    if (chart) {
      chart.setData(data);
      return;
    }
    chart = new uPlot(
      {
        width: chartWidth(),
        height: 260,
        cursor: { drag: { x: false, y: false } },
        scales: { y: { range: (u, min, max) => [0, Math.max(1, max)] } },
        axes: [{}, { size: 60 }],
        series: [
          {},
          { label: "allowed", stroke: "#2e9e5b", fill: "rgba(46,158,91,0.12)", width: 2, points: { show: false } },
          { label: "blocked", stroke: "#d64545", fill: "rgba(214,69,69,0.12)", width: 2, points: { show: false } },
        ],
      },
      data,
      $("chart"),
    );
  }

  function setStatus(text, isError) {
    const el = $("status");
    el.textContent = text;
    el.classList.toggle("error", isError);
  }

  async function refresh() {
    const mine = ++generation;
    const w = encodeURIComponent(currentWindow);
    const step = encodeURIComponent(STEPS[currentWindow]);
    try {
      const [summary, routes, top, series] = await Promise.all([
        getJson(`api/summary?window=${w}`),
        getJson(`api/routes?window=${w}`),
        getJson(`api/top-blocked?window=${w}&limit=10`),
        getJson(`api/timeseries?window=${w}&step=${step}`),
      ]);
      if (mine !== generation) return;
      renderSummary(summary);
      renderRoutes(routes);
      renderTopBlocked(top);
      renderSeries(series);
      $("step").textContent = `(per ${STEPS[currentWindow]})`;
      setStatus(`last ${currentWindow} · updated ${new Date().toLocaleTimeString()}`, false);
    } catch (e) {
      if (mine === generation) setStatus(e.message, true);
    }
  }

  function selectWindow(w) {
    currentWindow = w;
    for (const b of document.querySelectorAll("#windows button")) {
      b.setAttribute("aria-pressed", String(b.dataset.window === w));
    }
    if (location.hash !== `#window=${w}`) history.replaceState(null, "", `#window=${w}`);
    clearInterval(timer);
    refresh();
    timer = setInterval(refresh, REFRESH_MS);
  }

  document.querySelector("#windows").addEventListener("click", (e) => {
    const w = e.target.dataset && e.target.dataset.window;
    if (w) selectWindow(w);
  });
  window.addEventListener("hashchange", () => selectWindow(windowFromHash()));
  window.addEventListener("resize", () => {
    if (chart) chart.setSize({ width: chartWidth(), height: 260 });
  });

  selectWindow(currentWindow);
})();
