/**
 * Replaces each `%NAME%` in a binding value with the app setting NAME, as the host does for a timer's schedule
 * (`schedule: "%JOB_SCHEDULE%"`). Throws naming the setting when it is not set.
 */
export function resolveSettingReferences(
  value: string,
  settings: Readonly<Record<string, string | undefined>>,
): string {
  return value.replace(/%([^%\s]+)%/g, (_reference, name: string) => {
    const setting = settings[name];
    if (setting === undefined || setting === "") {
      throw new Error(`'%${name}%' does not resolve to a value: set the app setting ${name}.`);
    }
    return setting;
  });
}
