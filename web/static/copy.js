// Copies text to the clipboard. navigator.clipboard exists only in secure
// contexts (https, or loopback over http); a page opened at a LAN address
// over plain http falls back to selecting the text in a hidden textarea and
// asking the browser to copy it.

/** Resolves true if text reached the clipboard. */
export async function copyText(text) {
  if (globalThis.navigator?.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // permission refused or the document lost focus: try the old way
    }
  }
  return copyBySelection(text);
}

function copyBySelection(text) {
  const area = document.createElement("textarea");
  area.value = text;
  area.className = "copy-buffer";
  area.setAttribute("readonly", "");
  area.setAttribute("aria-hidden", "true");
  const focused = document.activeElement;
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  if (focused instanceof HTMLElement) focused.focus();
  return ok;
}
