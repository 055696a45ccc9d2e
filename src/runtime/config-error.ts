/**
 * The error of a wrong setting. In a module of its own so that the modules a setting is checked
 * with (the registry URL parser, for one) can throw it without importing the settings table.
 */

/** A setting that is wrong; the message names the flag or variable it came from. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}
