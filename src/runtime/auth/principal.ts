/** Who made a call, as the authentication middleware verified it; handlers read it as `ctx.auth`. */

/** How a caller proved who it is. */
export type AuthMode = "none" | "jwt" | "api_key" | "mtls";

/** A verified caller. */
export interface Principal {
  /** How it was verified. */
  readonly mode: Exclude<AuthMode, "none">;
  /**
   * Who: the JWT's `sub`, the API key's configured principal, or the client certificate's
   * subject CN (else its first SAN).
   */
  readonly subject: string;
  /** Scopes held: the JWT's `scope` (space separated) or `scp` claim, or the API key's. */
  readonly scopes: readonly string[];
  /** Roles held: the JWT's `roles` claim, the API key's, or the certificate's mapped roles. */
  readonly roles: readonly string[];
  /** Every claim of a verified JWT (mode `jwt` only). */
  readonly claims?: Readonly<Record<string, unknown>>;
}
