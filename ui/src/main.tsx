import { render } from "preact";
import { App, startApp } from "./App";
import { Customer } from "./screens/Customer";

// A script failure must show, not leave a blank window.
function showFailure(what: unknown) {
  const box = document.createElement("pre");
  box.className = "script-error";
  box.dataset.testid = "script-error";
  box.textContent = String(what instanceof Error ? `${what.message}\n${what.stack}` : JSON.stringify(what));
  document.body.appendChild(box);
}
window.addEventListener("error", (e) => showFailure(e.error ?? e.message));
window.addEventListener("unhandledrejection", (e) => showFailure(e.reason));

// Start-up marks, read by a profiler through WebDriver (`performance.getEntriesByType("mark")`):
// every module of the bundle has run by now.
performance.mark("cashier:script");
const root = document.getElementById("app")!;
const customer = location.hash === "#customer";
// The cashier's window asks the shell its first questions before rendering (a failure is
// shown by App, which awaits the same promise).
if (!customer) startApp().catch(() => {});
render(customer ? <Customer /> : <App />, root);
