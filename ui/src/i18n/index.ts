// The three languages, switchable live: components read `t` through useI18n() and re-render
// when the language changes. Uzbek, the till's default, is in the page's first script; Russian
// and English are loaded the first time they are needed (a few milliseconds less to parse at
// start-up: issue 12), and a moment after the first screen either way, so that a switch is
// instant. Every dictionary has every key (typed against en.ts).
import { useEffect, useState } from "preact/hooks";
import type { ApiError, ErrorCode } from "../bindings";
import type { Key } from "./en";
import { uz, uzErrors } from "./uz";
import { setSomUnit } from "../money";

export type Lang = "uz" | "ru" | "en";
export const LANGS: Lang[] = ["uz", "ru", "en"];

type Dict = { words: Record<Key, string>; errors: Record<ErrorCode, string> };

const dicts: Partial<Record<Lang, Dict>> = { uz: { words: uz, errors: uzErrors } };
const loading: Partial<Record<Lang, Promise<void>>> = {};
const loaders: Record<Exclude<Lang, "uz">, () => Promise<Dict>> = {
  en: () => import("./en").then((m) => ({ words: m.en, errors: m.enErrors })),
  ru: () => import("./ru").then((m) => ({ words: m.ru, errors: m.ruErrors })),
};

let current: Lang = "uz";
const listeners = new Set<() => void>();

export function isLang(s: string): s is Lang {
  return (LANGS as string[]).includes(s);
}

/** Makes `l`'s dictionary ready (at once for Uzbek or one loaded before). */
export function loadLang(l: Lang): Promise<void> {
  if (l === "uz" || dicts[l]) return Promise.resolve();
  return (loading[l] ??= loaders[l]().then((d) => {
    dicts[l] = d;
  }));
}

/** Loads the languages not loaded yet (after the first screen: a switch never waits). */
export function preloadLangs() {
  for (const l of LANGS) void loadLang(l).catch(() => {});
}

/** The language asked for last (`setLang`). */
let wanted: Lang = current;

/** Switches to `l` once its dictionary is there; a later call wins over an earlier one still
 *  loading. */
export async function setLang(l: Lang): Promise<void> {
  wanted = l;
  await loadLang(l);
  if (wanted !== l) return;
  current = l;
  setSomUnit(l === "ru" ? "сум" : "so'm");
  document.documentElement.lang = l;
  listeners.forEach((f) => f());
}

export function getLang(): Lang {
  return current;
}

/** The dictionary of the language on screen (`current` is only set once it is loaded). */
function onScreen(): Dict {
  return dicts[current] ?? dicts.uz!;
}

/** The text of `key` in the current language, with `{name}` placeholders filled. */
export function t(key: Key, params: Record<string, string | number> = {}): string {
  let s = onScreen().words[key] ?? uz[key];
  for (const [k, v] of Object.entries(params)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

/** An error in the current language (by its code). */
export function tError(e: ApiError): string {
  return onScreen().errors[e.code] ?? e.message;
}

/** Re-renders the calling component when the language changes. */
export function useI18n() {
  const [, setTick] = useState(0);
  useEffect(() => {
    const f = () => setTick((n) => n + 1);
    listeners.add(f);
    return () => {
      listeners.delete(f);
    };
  }, []);
  return { t, tError, lang: current };
}

export function hasKey(k: string): k is Key {
  return k in uz;
}
