/**
 * `mdns://` URLs (REGISTRY setting). Opening an mDNS registry creates no socket (that happens on the
 * first register or watch), so these run outside a network namespace without sending anything.
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/runtime/config.js";
import { MdnsRegistry } from "../../src/runtime/registry/mdns.js";
import { openRegistry } from "../../src/runtime/registry/open.js";

describe("openRegistry mdns://", () => {
  it("opens an MdnsRegistry with the defaults or the given heartbeat, TTL and socket settings", async () => {
    for (const url of ["mdns://", "mdns://?heartbeat=500&ttl=2&interface=127.0.0.1&bind=0.0.0.0&port=5354"]) {
      const registry = await openRegistry(url);
      expect(registry).toBeInstanceOf(MdnsRegistry);
      await registry.close();
    }
  });

  it("refuses malformed settings with a ConfigError", async () => {
    for (const url of ["mdns://somehost", "mdns://?ttl=3&heartbeat=3000", "mdns://?heartbeat=20000", "mdns://?interface=eth0", "mdns://?port=0", "mdns://?colour=blue"]) {
      await expect(openRegistry(url), url).rejects.toBeInstanceOf(ConfigError);
    }
  });
});
