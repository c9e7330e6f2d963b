// The three languages, switchable live: components read `t` through useI18n() and re-render
// when the language changes.
import { useEffect, useState } from "preact/hooks";
import type { ApiError, ErrorCode } from "../bindings";
import { en, enErrors, type Key } from "./en";
import { ru, ruErrors } from "./ru";
import { uz, uzErrors } from "./uz";
import { setSomUnit } from "../money";

export type Lang = "uz" | "ru" | "en";
export const LANGS: Lang[] = ["uz", "ru", "en"];

const dicts: Record<Lang, Record<Key, string>> = { en, ru, uz };
const errorDicts: Record<Lang, Record<ErrorCode, string>> = {
  en: enErrors,
  ru: ruErrors,
  uz: uzErrors,
};

let current: Lang = "uz";
const listeners = new Set<() => void>();

export function isLang(s: string): s is Lang {
  return (LANGS as string[]).includes(s);
}

export function setLang(l: Lang) {
  current = l;
  setSomUnit(l === "ru" ? "сум" : "so'm");
  document.documentElement.lang = l;
  listeners.forEach((f) => f());
}

export function getLang(): Lang {
  return current;
}

/** The text of `key` in the current language, with `{name}` placeholders filled. */
export function t(key: Key, params: Record<string, string | number> = {}): string {
  let s = dicts[current][key] ?? en[key];
  for (const [k, v] of Object.entries(params)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

/** An error in the current language (by its code). */
export function tError(e: ApiError): string {
  return errorDicts[current][e.code] ?? e.message;
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
  return k in en;
}
