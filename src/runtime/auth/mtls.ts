/**
 * Callers identified by the client certificate the TLS handshake verified (mutual TLS): the
 * principal is the subject's CN, else its first subject alternative name; roles come from a
 * configured mapping of principals to roles.
 */
import type { PeerCertificate } from "node:tls";
import { ConfigError } from "../config-error.js";
import { unauthenticated } from "./errors.js";
import type { Authenticator } from "./jwt.js";
import type { Principal } from "./principal.js";

/** Principal -> roles. */
export type CertificateRoles = Readonly<Record<string, readonly string[]>>;

/** Authenticates calls by their verified client certificate (`ctx.clientCertificate`). */
export function mtlsAuthenticator(roles: CertificateRoles = {}): Authenticator {
  return async (ctx) => {
    const certificate = ctx.clientCertificate;
    if (!certificate) throw unauthenticated("a verified client certificate is required (mutual TLS)");
    const subject = certificatePrincipal(certificate);
    if (subject === undefined) throw unauthenticated("the client certificate names no subject (CN or SAN)");
    const principal: Principal = { mode: "mtls", subject, scopes: [], roles: [...(roles[subject] ?? [])] };
    return principal;
  };
}

/** The subject CN, else the first SAN's value (`DNS:svc.local` -> `svc.local`). */
export function certificatePrincipal(certificate: PeerCertificate): string | undefined {
  const cn = certificate.subject?.CN;
  const name = Array.isArray(cn) ? cn[0] : cn;
  if (typeof name === "string" && name !== "") return name;
  const first = certificate.subjectaltname?.split(", ")[0];
  const value = first?.slice(first.indexOf(":") + 1);
  return value === undefined || value === "" ? undefined : value;
}

/** Parses an mTLS roles file (`{ "principal": ["role", ...] }`); `source` names it in errors. */
export function parseCertificateRoles(text: string, source: string): CertificateRoles {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${source}: not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ConfigError(`${source}: must be a JSON object of principal -> [roles]`);
  for (const [principal, roles] of Object.entries(value)) {
    if (!Array.isArray(roles) || !roles.every((r) => typeof r === "string")) throw new ConfigError(`${source}: roles of "${principal}" must be an array of strings`);
  }
  return value as CertificateRoles;
}
