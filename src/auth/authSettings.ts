import type { SettingDoc } from "../config/settings.js";

/** The app settings of the HTTP endpoints' authorization (listed with every other setting in config/settings.ts). */
export const authSettings = {
  operatorRole: {
    name: "M2M_OPERATOR_ROLE",
    form: "the app role value (no spaces) that lets a signed-in person renew and run jobs (default M2M.Operator)",
    required: "no",
    secret: false,
  },
  readerRole: {
    name: "M2M_READER_ROLE",
    form: "the app role value (no spaces) that lets a signed-in person read the endpoints and the status page (default M2M.Reader)",
    required: "no",
    secret: false,
  },
} as const satisfies Record<string, SettingDoc>;
