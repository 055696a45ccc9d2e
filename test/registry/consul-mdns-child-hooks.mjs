// Lets test child processes run TypeScript straight from the tree on Node 24 (type stripping):
// the sources import each other with `.js` suffixes (as tsc wants); when no such file exists, the
// `.ts` file beside it is loaded. Used as `node --import ./test/registry/consul-mdns-child-hooks.mjs x.ts`.
import { registerHooks } from "node:module";

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (!specifier.startsWith(".") || !specifier.endsWith(".js")) throw error;
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
    }
  },
});
