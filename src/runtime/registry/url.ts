/** Registry URLs (the REGISTRY setting) split into their parts; see open.ts for each scheme. */
import { ConfigError } from "../config-error.js";

/** A registry URL split into its parts (authority may hold several comma-separated hosts). */
export interface RegistryUrl {
  readonly scheme: string;
  readonly authority: string;
  readonly path: string;
  readonly params: URLSearchParams;
  /** The URL as given, for messages. */
  readonly text: string;
}

/** Splits `scheme://authority/path?query`; throws {@link ConfigError} when it is not that shape. */
export function parseRegistryUrl(text: string): RegistryUrl {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?$/i.exec(text.trim());
  if (!match) throw new ConfigError(`registry URL "${text}" is not of the form scheme://[host][/path][?query]`);
  const [, scheme = "", authority = "", path = "", query = ""] = match;
  return { scheme: scheme.toLowerCase(), authority, path: decodeURIComponent(path), params: new URLSearchParams(query), text };
}
