/** A person signed in through the local host's App Service Authentication emulation. */
export interface LocalPrincipal {
  /** Their user name (`preferred_username`, `x-ms-client-principal-name`). */
  readonly name: string;
  /** Their object id (`x-ms-client-principal-id`). */
  readonly id: string;
  /** The app roles assigned to them, as Entra ID puts them in the `roles` claim. */
  readonly roles: readonly string[];
}
