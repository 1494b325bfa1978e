// Candidate pages: the time zone for the times shown, the countdown with
// its warnings, and submitting the attempt when time is up. Without
// JavaScript the server still keeps the deadline and submits late attempts
// itself.

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
  const deadline = Date.parse(timer.dataset.deadline);
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
      form.requestSubmit(form.querySelector('button[value="submit"]'));
    }
  };
  tick();
  setInterval(tick, 1000);
})();
