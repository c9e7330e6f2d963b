// Uzbek: the words of fatal.ts (in its own module: a language's words load together, see
// index.ts).
import type { fatalEn } from "./fatal.ts";

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
