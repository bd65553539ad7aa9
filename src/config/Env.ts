/** App settings as the host gives them: environment variables by name. */
export type Env = Readonly<Record<string, string | undefined>>;
