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
