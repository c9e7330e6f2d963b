// Russian: the words of fatal.ts (in its own module: a language's words load together, see
// index.ts).
import type { fatalEn } from "./fatal.ts";

export const fatalRu: Record<keyof typeof fatalEn, string> = {
  "fatal.title": "Касса не смогла запуститься",
  "fatal.keyring_how":
    "Касса хранит свои ключи в системном хранилище ключей (Secret Service). Установите и запустите его, GNOME Keyring или KWallet (в Ubuntu или Debian: sudo apt install gnome-keyring), выйдите из системы и войдите снова, затем запустите кассу ещё раз.",
  "fatal.details": "Технические подробности",
  "fatal.what_now": "Что можно сделать",
  "fatal.start_demo": "Запустить демо (только тестовые платежи)",
  "fatal.demo_starting": "Запускаем демо…",
  "fatal.open_folder": "Открыть папку данных",
  "fatal.folder_opened": "Папка данных: {path}",
  "fatal.no_keyring_banner":
    "На этом компьютере нет системного хранилища ключей (Secret Service), поэтому демо хранит свои тестовые ключи в своей папке. Настоящей кассе оно нужно: установите GNOME Keyring или KWallet (Ubuntu или Debian: sudo apt install gnome-keyring), затем выйдите из системы и войдите снова.",
};
