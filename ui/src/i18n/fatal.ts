// The page shown when the till cannot start at all, and the demo's banner on a computer with
// no system keyring, in the three languages. Spread into en.ts, ru.ts and uz.ts.

export const fatalEn = {
  "fatal.title": "The till could not start",
  "fatal.keyring_how":
    "A till keeps its keys in the system keyring (Secret Service). Install and start one, GNOME Keyring or KWallet (on Ubuntu or Debian: sudo apt install gnome-keyring), sign out of the desktop and back in, then start the till again.",
  "fatal.details": "Technical details",
  "fatal.what_now": "What you can do",
  "fatal.start_demo": "Start the demo (test payments only)",
  "fatal.demo_starting": "Starting the demo…",
  "fatal.open_folder": "Open the data folder",
  "fatal.folder_opened": "Data folder: {path}",
  "fatal.no_keyring_banner":
    "This computer has no system keyring (Secret Service), so the demo keeps its test keys in its own folder. A real till needs one: install GNOME Keyring or KWallet (Ubuntu or Debian: sudo apt install gnome-keyring), then sign out and back in.",
};

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

export const fatalUz: Record<keyof typeof fatalEn, string> = {
  "fatal.title": "Kassa ishga tushmadi",
  "fatal.keyring_how":
    "Kassa o'z kalitlarini tizim kalitlar omborida (Secret Service) saqlaydi. Uni o'rnating va ishga tushiring, GNOME Keyring yoki KWallet (Ubuntu yoki Debian'da: sudo apt install gnome-keyring), tizimdan chiqib qayta kiring, so'ng kassani yana ishga tushiring.",
  "fatal.details": "Texnik tafsilotlar",
  "fatal.what_now": "Nima qilish mumkin",
  "fatal.start_demo": "Demoni ishga tushirish (faqat sinov to'lovlari)",
  "fatal.demo_starting": "Demo ishga tushmoqda…",
  "fatal.open_folder": "Ma'lumotlar papkasini ochish",
  "fatal.folder_opened": "Ma'lumotlar papkasi: {path}",
  "fatal.no_keyring_banner":
    "Bu kompyuterda tizim kalitlar ombori (Secret Service) yo'q, shuning uchun demo sinov kalitlarini o'z papkasida saqlaydi. Haqiqiy kassa uchun u kerak: GNOME Keyring yoki KWallet o'rnating (Ubuntu yoki Debian'da: sudo apt install gnome-keyring), so'ng tizimdan chiqib qayta kiring.",
};
