// The page shown when the till cannot start at all, and the demo's banner on a computer with
// no system keyring, in English. Spread into en.ts.
// Russian and Uzbek: fatal.ru.ts and fatal.uz.ts (each language's words load together, index.ts).

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
