// Typed calls into the Tauri shell. Each function is one command; argument and result types
// come from bindings.ts (generated from the Rust DTOs). Errors arrive as ApiError {code, message}.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  ApiError,
  AppInfo,
  BackupDoneDto,
  BackupStatusDto,
  CardDto,
  Command,
  CursorDto,
  DisplayPrefs,
  ExportDone,
  FirstScreen,
  HistoryPageDto,
  HistoryQuery,
  PaymentDetail,
  PayoutInputDto,
  PayoutRequestDto,
  RestoredDto,
  RoleDto,
  SaleFlowDto,
  SaleView,
  SettingsView,
  UiEvent,
  UserDto,
} from "./bindings";
import { EVENT } from "./bindings";

function call<T>(cmd: Command, args?: Record<string, unknown>): Promise<T> {
  return invoke<T>(cmd, args).catch((e: unknown) => {
    throw asApiError(e);
  });
}

/** Anything thrown by a call, as {code, message}. */
export function asApiError(e: unknown): ApiError {
  if (e && typeof e === "object" && "code" in e && "message" in e) return e as ApiError;
  return { code: "io", message: String(e) };
}

export const api = {
  appInfo: () => call<AppInfo>("app_info"),
  firstScreen: () => call<FirstScreen>("first_screen"),
  uiReady: () => call<void>("ui_ready"),
  dismissLate: (payment_id: string) => call<void>("dismiss_late", { payment_id }),
  signIn: (name: string, pin: string) => call<UserDto>("sign_in", { name, pin }),
  signOut: () => call<void>("sign_out"),
  userNames: () => call<UserDto[]>("user_names"),
  createFirstManager: (name: string, pin: string) =>
    call<UserDto>("create_first_manager", { name, pin }),
  setLanguage: (language: string) => call<void>("set_language", { language }),
  startSale: (amount: number) => call<SaleView>("start_sale", { amount }),
  abandonSale: () => call<void>("abandon_sale"),
  newSale: () => call<void>("new_sale"),
  currentSale: () => call<SaleView | null>("current_sale"),
  openCustomerDisplay: () => call<void>("open_customer_display"),
  history: (filter: HistoryQuery, after: CursorDto | null, limit: number) =>
    call<HistoryPageDto>("history", { filter, after, limit }),
  paymentDetail: (payment_id: string) => call<PaymentDetail>("payment_detail", { payment_id }),
  exportHistory: (filter: HistoryQuery, format: "csv" | "xlsx" = "csv") =>
    call<ExportDone>("export_history", { filter, format }),
  cards: () => call<CardDto[]>("cards"),
  requestPayout: (input: PayoutInputDto) => call<PayoutRequestDto>("request_payout", { input }),
  payoutRequests: () => call<PayoutRequestDto[]>("payout_requests"),
  approvePayout: (request_id: number, manager: string, pin: string) =>
    call<string>("approve_payout", { request_id, manager, pin }),
  rejectPayout: (request_id: number, manager: string, pin: string, reason: string | null) =>
    call<PayoutRequestDto>("reject_payout", { request_id, manager, pin, reason }),
  settings: () => call<SettingsView>("settings"),
  setSetting: (key: string, value: string) => call<void>("set_setting", { key, value }),
  setSecret: (secret: string) => call<boolean>("set_secret", { secret }),
  addUser: (name: string, role: RoleDto, pin: string) =>
    call<UserDto>("add_user", { name, role, pin }),
  resetPin: (manager_pin: string, name: string, new_pin: string) =>
    call<UserDto>("reset_pin", { manager_pin, name, new_pin }),
  unlockUser: (manager_pin: string, name: string) =>
    call<UserDto>("unlock_user", { manager_pin, name }),
  setUserActive: (manager_pin: string, name: string, active: boolean) =>
    call<UserDto>("set_user_active", { manager_pin, name, active }),
  changeOwnPin: (old_pin: string, new_pin: string) =>
    call<UserDto>("change_own_pin", { old_pin, new_pin }),
  connectRealTill: (c: {
    project_id: string;
    gateway_url: string;
    payment_page_url: string;
    till_code: string;
    secret: string;
    flow: SaleFlowDto | null;
  }) => call<void>("connect_real_till", c),
  reconnectTill: (c: { project_id: string; gateway_url: string; payment_page_url: string; secret: string }) =>
    call<number>("reconnect_till", c),
  backupStatus: () => call<BackupStatusDto>("backup_status"),
  setBackup: (folder: string, daily: boolean, keep: number) =>
    call<BackupStatusDto>("set_backup", { folder, daily, keep }),
  setBackupPassphrase: (passphrase: string) =>
    call<BackupStatusDto>("set_backup_passphrase", { passphrase }),
  backupNow: () => call<BackupDoneDto>("backup_now"),
  restoreBackup: (path: string, passphrase: string) =>
    call<RestoredDto>("restore_backup", { path, passphrase }),
  displayPrefs: () => call<DisplayPrefs>("display_prefs"),
  openDataFolder: () => call<string>("open_data_folder"),
  startDemo: () => call<void>("start_demo"),
};

/** Subscribes to the shell's pushed events (no polling anywhere). */
export function onTill(handler: (e: UiEvent) => void): Promise<UnlistenFn> {
  return listen<UiEvent>(EVENT, (ev) => handler(ev.payload));
}
