/**
 * Builds the images of gen-svc packages from a proto example, as a user would: generate with the
 * runtime dependency on a packed tarball of this repository (`npm pack`) inside each package's
 * folder, take the implemented handlers and main.ts of the checked-in sample, write the lock
 * file, then `podman build` against the local base image.
 */
import { execFile } from "node:child_process";
import { copyFile, cp } from "node:fs/promises";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { baseImage, podman, repoRoot, writeLockFile } from "./podman.js";

const run = promisify(execFile);

/** Generates the proto example folder into outDir with `gen-svc generate`, the runtime at `file:<tarball name>`. */
export async function generatePackages(protoDir: string, outDir: string, runtimeTarball: string): Promise<void> {
  await run(process.execPath, [join(repoRoot, "bin/gen-svc.js"), "generate", join(repoRoot, protoDir), "-o", outDir, "--runtime", `file:${basename(runtimeTarball)}`], {
    cwd: repoRoot,
    timeout: 120_000,
  });
}

/**
 * Makes a generated package folder a build context: the sample's own code over the stubs, the
 * runtime tarball beside package.json (the Dockerfile copies `*.tgz`), and package-lock.json.
 */
export async function finishPackage(packageDir: string, sampleDir: string, runtimeTarball: string): Promise<void> {
  await cp(join(sampleDir, "src/handlers"), join(packageDir, "src/handlers"), { recursive: true, force: true });
  await cp(join(sampleDir, "src/main.ts"), join(packageDir, "src/main.ts"), { force: true });
  await copyFile(runtimeTarball, join(packageDir, basename(runtimeTarball)));
  await writeLockFile(packageDir);
}

/** `podman build` of a package folder; host networking for `npm ci`; returns the image id. */
export async function buildImage(env: NodeJS.ProcessEnv, contextDir: string, tag: string): Promise<string> {
  // --layers=false: no intermediate images (nothing to clean up after a run; each image is built once).
  await podman(env, ["build", "--pull=never", "--layers=false", "--format=docker", "--network=host", "--build-arg", `BASE_IMAGE=${baseImage}`, "--tag", tag, contextDir], 900_000);
  return (await podman(env, ["image", "inspect", "--format", "{{.Id}}", tag])).trim();
}

/** The image's size in bytes. */
export async function imageSize(env: NodeJS.ProcessEnv, image: string): Promise<number> {
  return Number((await podman(env, ["image", "inspect", "--format", "{{.Size}}", image])).trim());
}
