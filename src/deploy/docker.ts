/** The Dockerfile and .dockerignore of a package: view models for templates/Dockerfile.hbs. */
import type { FileView } from "../render/view/service-files.js";
import type { DeployContext } from "./context.js";

/**
 * The default base image: a pinned official Node.js 24 image (the runtime needs Node >= 22);
 * `--build-arg BASE_IMAGE=...` replaces it (CI points it at a locally built image).
 */
export const defaultBaseImage = "node:24.21.0-bookworm-slim";

/** The numeric user and group the service runs as (the `node` user of the official images). */
export const imageUid = 1000;

/** Dockerfile and .dockerignore. */
export function dockerFiles(ctx: DeployContext): FileView[] {
  return [
    {
      path: "Dockerfile",
      template: "Dockerfile",
      userOwned: false,
      view: {
        packageName: ctx.packageName,
        protoPackage: ctx.protoPackage,
        imageRef: ctx.imageRef,
        baseImage: defaultBaseImage,
        version: ctx.version,
        description: labelValue(ctx.description),
        serviceList: ctx.serviceNames.join(","),
        uid: imageUid,
        ports: ctx.ports,
      },
    },
    { path: ".dockerignore", template: "dockerignore", userOwned: false, view: {} },
  ];
}

/** A value inside a double-quoted LABEL: backslashes, quotes and `$` escaped, one line. */
function labelValue(text: string): string {
  return text.replace(/\s+/g, " ").replace(/[\\"$]/g, (c) => `\\${c}`);
}
