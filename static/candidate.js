// Candidate pages: the time zone for the times shown, the countdown with
// its warnings, and submitting the attempt when time is up; the clock a
// recruiter may move; integrity signals and time per question. Without
// JavaScript the server still keeps the deadline and submits late attempts
// itself, and nothing is recorded from the page.

// Report the browser's time zone so times are shown in it, named.
(() => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && !document.cookie.split("; ").includes("tz=" + encodeURIComponent(zone))) {
    document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax";
  }
})();

(() => {
  const timer = document.querySelector("[data-deadline]");
  if (!timer) return;
  let deadline = Date.parse(timer.dataset.deadline);
  const shown = timer.querySelector("strong");
  const alert = document.querySelector("[data-testid=timer-alert]");
  const form = document.getElementById("attempt");
  // Warnings at 5 and 1 minutes, each once, announced to screen readers.
  const warnings = [[300, timer.dataset.warn5], [60, timer.dataset.warn1]]; // in the page's language
  let submitted = false;
  const tick = () => {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    const h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    shown.textContent = (h ? h + ":" + String(m).padStart(2, "0") : m) + ":" + String(s).padStart(2, "0");
    timer.classList.toggle("low", left <= 60);
    while (warnings.length && left <= warnings[0][0]) {
      const [at, text] = warnings.shift();
      if (alert && left > at - 30) alert.textContent = text; // not when the page opens long past it
    }
    if (left <= 2 && form && !submitted) {
      submitted = true;
      const flag = document.createElement("input");
      flag.type = "hidden";
      flag.name = "timeout";
      flag.value = "1";
      form.appendChild(flag);
      form.requestSubmit(form.querySelector("button[data-timeout]")); // submit, or move to the next section
    }
  };
  tick();
  setInterval(tick, 1000);

  // Minutes added by a recruiter: look at the server's clock every 15
  // seconds and on coming back to the page.
  const clock = timer.dataset.clock;
  if (!clock) return;
  const look = () => fetch(clock, { cache: "no-store" }).then((r) => (r.ok ? r.json() : null)).then((c) => {
    if (c && c.status === "completed") { location.assign(location.pathname); return; } // submitted elsewhere
    const next = c && c.deadline ? Date.parse(c.deadline) : NaN;
    if (!(next > deadline)) return;
    deadline = next;
    const at = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { hour: "2-digit", minute: "2-digit" }).format(new Date(next));
    if (alert) alert.textContent = timer.dataset.timeAdded.replace("{time}", at);
    const ends = timer.querySelector("[data-testid=deadline]");
    if (ends) ends.remove(); // it named the old end
    tick();
  }).catch(() => {});
  setInterval(look, 15000);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) look(); });
})();

// Integrity signals and time per question, reported to the server.
(() => {
  const form = document.getElementById("attempt");
  if (!form || !form.dataset.signals) return;
  const url = form.dataset.signals;
  const limit = Number(form.dataset.limit) || 0;
  const warning = document.querySelector("[data-testid=integrity-alert]");

  // Seconds on each question: while focus is inside it and the page is seen.
  const spent = {};
  let current = null, since = 0;
  const pause = () => {
    if (current && since) spent[current] = (spent[current] || 0) + (performance.now() - since) / 1000;
    since = 0;
  };
  const resume = () => { if (current && !document.hidden && document.hasFocus()) since = performance.now(); };
  form.addEventListener("focusin", (e) => {
    pause();
    const q = e.target.closest("[data-question]");
    current = q ? q.dataset.question : null;
    resume();
  });
  const takeSpent = () => {
    pause();
    resume();
    const out = {};
    for (const [q, secs] of Object.entries(spent)) {
      if (secs >= 1) { out[q] = Math.round(secs); delete spent[q]; }
    }
    return JSON.stringify(out);
  };
  // Saves carry the time: htmx autosave as a parameter, buttons as a field.
  document.body.addEventListener("htmx:configRequest", (e) => {
    if (e.detail.elt === form) e.detail.parameters.spent = takeSpent();
  });
  form.addEventListener("submit", () => {
    let field = form.querySelector("input[name=spent]");
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "spent";
      form.appendChild(field);
    }
    field.value = takeSpent();
  });

  const send = (kind, detail) => fetch(url, {
    method: "POST", headers: { "Content-Type": "application/json" }, keepalive: true,
    body: JSON.stringify({ kind, detail, spent: JSON.parse(takeSpent()) }),
  }).then((r) => (r.ok ? r.json() : null)).then((res) => {
    if (!res) return;
    if (res.submitted) { location.assign(res.next); return; }
    if (kind === "focus_lost" && limit && warning) warning.textContent = form.dataset.warnTabs.replace("{count}", res.focusLost);
  }).catch(() => {});

  // One focus loss per time away, whether the tab was hidden or the window
  // lost focus.
  // Leaving the page itself (a save, the submit, a language) hides it too:
  // that is not a switch.
  let away = false, unloading = false;
  window.addEventListener("beforeunload", () => { unloading = true; });
  window.addEventListener("pageshow", () => { unloading = false; });
  const leave = (how) => { pause(); if (!away && !unloading) { away = true; send("focus_lost", how); } };
  const back = () => { away = false; resume(); };
  document.addEventListener("visibilitychange", () => (document.hidden ? leave("tab hidden") : back()));
  window.addEventListener("blur", () => leave("window lost focus"));
  window.addEventListener("focus", back);

  form.addEventListener("paste", (e) => {
    const q = e.target.closest("[data-question]");
    if (e.target.tagName !== "TEXTAREA" || !q) return;
    const text = (e.clipboardData && e.clipboardData.getData("text")) || "";
    send("paste", "question " + q.dataset.number + ", " + text.length + " characters");
  });

  const full = document.querySelector("[data-fullscreen]");
  if (full && document.fullscreenEnabled) {
    full.hidden = false;
    full.addEventListener("click", () => document.documentElement.requestFullscreen().catch(() => {}));
    let wasFull = false;
    document.addEventListener("fullscreenchange", () => {
      if (document.fullscreenElement) wasFull = true;
      else if (wasFull) { wasFull = false; send("fullscreen_exit", ""); }
      full.hidden = Boolean(document.fullscreenElement);
    });
  }
})();

// An essay's word count follows the typing. The server wrote the count in
// the page's language for a few numbers (data-w1, data-w2…); the one whose
// plural form is the count's is used with the count put in.
(() => {
  const rules = new Intl.PluralRules(document.documentElement.lang || "en");
  document.querySelectorAll("textarea[data-word-count]").forEach((box) => {
    const out = document.getElementById(box.dataset.wordCount);
    if (!out) return;
    const say = () => {
      const n = box.value.trim() === "" ? 0 : box.value.trim().split(/\s+/).length;
      for (const r of [1, 2, 5, 1000000]) {
        const said = out.dataset["w" + r];
        if (said && rules.select(r) === rules.select(n)) {
          out.textContent = said.replace(String(r), String(n));
          return;
        }
      }
    };
    box.addEventListener("input", say);
  });
})();
