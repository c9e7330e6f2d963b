// Screens the till does not show first (sign-in, history, returns, settings, the shift) are
// loaded when first needed, so the page that starts the app parses only the sale screen and
// the header: the window is ready sooner (issue 12, start-up). `preloadScreens` fetches the
// rest (App calls it a moment after the first screen), so a tab switch never waits for a script.
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";

type Loader<P> = () => Promise<ComponentType<P>>;

const all: Array<() => Promise<unknown>> = [];

/** A component whose code is loaded on first use (or by `preloadScreens`). Renders nothing until its
 *  module has arrived; a failed load reaches the page's unhandled-rejection handler (shown, not
 *  a blank screen). */
export function lazy<P extends object>(load: Loader<P>) {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  const preload = () =>
    (pending ??= load().then((c) => {
      loaded = c;
      return c;
    }));
  all.push(preload);
  function Lazy(props: P) {
    const [C, setC] = useState<ComponentType<P> | null>(() => loaded);
    useEffect(() => {
      if (!C) void preload().then((c) => setC(() => c));
    }, []);
    return C ? <C {...props} /> : null;
  }
  return Lazy;
}

/** Loads every lazy screen's code (once the first screen is up). */
export function preloadScreens() {
  for (const p of all) void p();
}
