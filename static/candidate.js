// Candidate pages: the countdown, and submitting the attempt when time is up.
// Without JavaScript the server still keeps the deadline and submits late
// attempts itself.
(() => {
  const timer = document.querySelector("[data-deadline]");
  if (!timer) return;
  const deadline = Date.parse(timer.dataset.deadline);
  const shown = timer.querySelector("strong");
  const form = document.getElementById("attempt");
  let submitted = false;
  const tick = () => {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    const h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    shown.textContent = (h ? h + ":" + String(m).padStart(2, "0") : m) + ":" + String(s).padStart(2, "0");
    timer.classList.toggle("low", left <= 60);
    if (left <= 2 && form && !submitted) {
      submitted = true;
      form.requestSubmit(form.querySelector('button[value="submit"]'));
    }
  };
  tick();
  setInterval(tick, 1000);
})();
