// Calls into the shell for returns, the report and sign-in tiles (one function per command;
// the shared `api` object holds the rest).
import { invoke } from "@tauri-apps/api/core";
import type { Command, HistoryQuery, ReturnableDto, TotalsDto, UserTileDto } from "./bindings";
import { asApiError } from "./api";

function call<T>(cmd: Command, args?: Record<string, unknown>): Promise<T> {
  return invoke<T>(cmd, args).catch((e: unknown) => {
    throw asApiError(e);
  });
}

export const reportApi = {
  historyTotals: (filter: HistoryQuery) => call<TotalsDto>("history_totals", { filter }),
  returnable: (payment_id: string) => call<ReturnableDto>("returnable", { payment_id }),
  signInChoices: () => call<UserTileDto[]>("sign_in_choices"),
  shiftStart: () => call<number>("shift_start"),
};
