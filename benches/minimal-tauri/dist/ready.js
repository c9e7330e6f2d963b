// Tells the shell the page is loaded: it prints the start-up marker the benchmark waits for.
document.addEventListener("DOMContentLoaded", () => {
  window.__TAURI_INTERNALS__.invoke("ready").catch(() => {});
});
