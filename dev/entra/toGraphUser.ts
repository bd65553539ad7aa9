import type { DirectoryUser } from "./Directory.js";

/** The user properties the stand-in models, in the order Graph writes them. */
export const USER_PROPERTIES = [
  "businessPhones",
  "displayName",
  "givenName",
  "jobTitle",
  "mail",
  "mobilePhone",
  "officeLocation",
  "preferredLanguage",
  "surname",
  "userPrincipalName",
  "id",
  "accountEnabled",
] as const;
export type UserProperty = (typeof USER_PROPERTIES)[number];

/**
 * What Graph returns without `$select`: it "returns by default only a subset of the more commonly used properties for
 * each user" (https://learn.microsoft.com/graph/api/user-get; the same for user-list), the ones the user resource's
 * Properties section marks as default: businessPhones, displayName, givenName, id, jobTitle, mail, mobilePhone,
 * officeLocation, preferredLanguage, surname, userPrincipalName. accountEnabled comes only when selected.
 */
const DEFAULT_PROPERTIES: readonly UserProperty[] = USER_PROPERTIES.filter((p) => p !== "accountEnabled");

/** A directory user as an entry of Graph's `value`: the `$select`ed properties (null: the default set). */
export function toGraphUser(
  user: DirectoryUser,
  select: readonly UserProperty[] | null,
): Partial<Record<UserProperty, unknown>> {
  const all: Record<UserProperty, unknown> = {
    businessPhones: [],
    displayName: user.displayName,
    givenName: user.givenName,
    jobTitle: user.jobTitle,
    mail: user.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: user.surname,
    userPrincipalName: user.userPrincipalName,
    id: user.id,
    accountEnabled: user.accountEnabled,
  };
  const selected = new Set(select ?? DEFAULT_PROPERTIES);
  return Object.fromEntries(USER_PROPERTIES.filter((p) => selected.has(p)).map((p) => [p, all[p]]));
}
