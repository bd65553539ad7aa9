/** The signed-in caller App Service Authentication vouches for (`x-ms-client-principal`), as far as access needs it. */
export interface Principal {
  /** The claim named by `name_typ` (else `name` or `preferred_username`); null when there is none. */
  readonly name: string | null;
  /** `auth_typ`: "aad" for Microsoft Entra ID. */
  readonly identityProvider: string | null;
  /** App role values: the claims whose type is `role_typ`, or `roles` (Entra ID's own claim name). */
  readonly roles: readonly string[];
}
