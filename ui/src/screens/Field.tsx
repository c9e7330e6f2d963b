// One labelled input of a small form (Settings, Connect, My PIN).
import type { Key } from "../i18n/en";
import { useI18n } from "../i18n";

export function Field(p: {
  label: Key;
  testid: string;
  value: string;
  onInput: (v: string) => void;
  type?: string;
  numeric?: boolean;
}) {
  const { t } = useI18n();
  return (
    <label class="setting">
      <span>{t(p.label)}</span>
      <input
        type={p.type ?? "text"}
        inputMode={p.numeric ? "numeric" : undefined}
        autoComplete="off"
        data-testid={p.testid}
        value={p.value}
        onInput={(e) => p.onInput((e.target as HTMLInputElement).value)}
      />
    </label>
  );
}

/** The `field(key, label)` of a small form whose state is one record of strings: each input's
 *  test id is `<prefix>-<key with dashes>`, and a project id gets the numeric keypad. */
export function formFields<T extends Record<string, string>>(f: T, set: (v: T) => void, prefix: string) {
  return (k: keyof T & string, label: Key, type = "text") => (
    <Field
      label={label}
      testid={`${prefix}-${k.replaceAll("_", "-")}`}
      type={type}
      numeric={k === "project_id"}
      value={f[k]}
      onInput={(v) => set({ ...f, [k]: v })}
    />
  );
}
