// Report the browser's time zone so the console shows times in it.
(() => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && !document.cookie.split("; ").includes("tz=" + encodeURIComponent(zone))) {
    document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax";
  }
})();

// Copy buttons: <button data-copy="#input-id"> copies that input's value.
// Delegated from the document so buttons swapped in by htmx work too.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  if (!source) return;
  const text = source.value ?? source.textContent;
  let copied = false;
  try {
    await navigator.clipboard.writeText(text);
    copied = true;
  } catch {
    // Plain-http deployments have no async clipboard: fall back to selection.
    source.select?.();
    copied = document.execCommand?.("copy") ?? false;
  }
  const label = button.dataset.label || button.textContent;
  button.dataset.label = label;
  button.textContent = copied ? "Copied" : "Press Ctrl+C to copy";
  button.setAttribute("aria-live", "polite");
  if (!copied) source.select?.();
  clearTimeout(button._reset);
  button._reset = setTimeout(() => { button.textContent = label; }, 2000);
});

// The question form shows, with JavaScript, only the parts the chosen kind
// of question uses ([data-kinds] lists them); without it every part shows.
(() => {
  const show = (select) => {
    const form = select.form;
    if (!form) return;
    form.querySelectorAll("[data-kinds]").forEach((part) => {
      part.hidden = !part.dataset.kinds.split(" ").includes(select.value);
    });
  };
  document.addEventListener("change", (event) => {
    if (event.target.matches?.("select[name=kind]")) show(event.target);
  });
  const kinds = () => document.querySelectorAll("select[name=kind]").forEach(show);
  kinds();
  document.addEventListener("htmx:afterSettle", kinds);
})();
