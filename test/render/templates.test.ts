import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
// @ts-expect-error: a plain ESM script without types
import { embeddedTemplatesModule } from "../../scripts/embed-templates.mjs";

test("src/render/templates.gen.ts is up to date with templates/ (npm run build refreshes it)", () => {
  const onDisk = readFileSync(new URL("../../src/render/templates.gen.ts", import.meta.url), "utf8");
  expect(onDisk).toBe(embeddedTemplatesModule());
});
