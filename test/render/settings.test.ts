import { expect, test } from "vitest";
import { SERVER_SETTINGS } from "../../src/runtime/config.js";
import { serverSettings } from "../../src/render/view/settings.js";

test("the generated README documents exactly the settings the runtime reads", () => {
  const documented = serverSettings.map(({ env, flag, default: value, description }) => ({ env, flag, value, description }));
  const read = SERVER_SETTINGS.map(({ env, flag, default: value, description }) => ({ env, flag, value: String(value), description }));
  expect(documented).toEqual(read);
});
