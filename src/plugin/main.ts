/**
 * `protoc-gen-svc`: the protoc plugin entry point. `main(process)` reads a CodeGeneratorRequest
 * from stdin, writes the CodeGeneratorResponse to stdout and returns the exit status: 0 whenever
 * a response was written (even one carrying an error, as the protocol asks), 1 when stdin is not
 * a request. Parameters: the generator options (`service=a,package_name=b`) plus `out_dir=<dir>`:
 * with it, user-owned files that already exist in that directory are not emitted (handler files
 * are emitted merged with the contract's changes), so re-running protoc never loses user code;
 * without it, every file is emitted and protoc overwrites.
 */
import { access, readdir, readFile } from "node:fs/promises";
import { lazyGenerate } from "../frontend/generator.js";
import { defaultRuntimeSpec, ownVersion } from "../frontend/package-info.js";
import { encodeResponse, parseRequest, respond, type PluginDeps } from "./plugin.js";

/** The parts of `process` the plugin uses. */
export interface PluginProcess {
  argv: readonly string[];
  stdin: AsyncIterable<Uint8Array | string> & { isTTY?: boolean };
  stdout: { write(data: Uint8Array | string, callback: (error?: Error | null) => void): unknown };
  stderr: { write(text: string): unknown };
}

const usage = `protoc-gen-svc is a protoc plugin: it reads a CodeGeneratorRequest on stdin.
Run it through protoc or buf:
  protoc -I proto --plugin=protoc-gen-svc=$(which protoc-gen-svc) --svc_out=out --svc_opt=out_dir=out x.proto
  buf generate   (buf.gen.yaml: plugins: [{local: protoc-gen-svc, out: out, opt: [out_dir=out]}])
Options (comma-separated key=value): service, package_name, runtime, messages, out_dir.
Contracts importing google/api, google/rpc or gensvc options need gen-svc's bundled protos on the
include path: -I node_modules/gen-svc/proto (gen-svc generate adds them by itself).
`;

/** Runs the plugin over the process's stdio; returns the exit status. */
export async function main(proc: PluginProcess): Promise<number> {
  const flag = proc.argv[2];
  if (flag === "--version") return write(proc.stdout, `protoc-gen-svc ${ownVersion()}\n`);
  if (flag === "--help" || flag === "-h") return write(proc.stdout, usage);
  if (proc.stdin.isTTY === true) {
    proc.stderr.write(`protoc-gen-svc: stdin is a terminal\n${usage}`);
    return 1;
  }
  return runPlugin(await readAll(proc.stdin), proc, pluginDeps(proc));
}

/** Answers one encoded request with explicit dependencies (tests pass a stand-in generator). */
export async function runPlugin(input: Uint8Array, proc: Pick<PluginProcess, "stdout" | "stderr">, deps: PluginDeps): Promise<number> {
  let request;
  try {
    request = parseRequest(input);
  } catch (error) {
    proc.stderr.write(`protoc-gen-svc: stdin is not a CodeGeneratorRequest: ${(error as Error).message}\n`);
    return 1;
  }
  return write(proc.stdout, encodeResponse(await respond(request, deps)));
}

/** The real dependencies; warnings go to the process's stderr. */
export function pluginDeps(proc: Pick<PluginProcess, "stderr">): PluginDeps {
  return {
    // protoc and buf show a plugin's stderr; warnings have no place in the response itself.
    generate: (request, options) => lazyGenerate(request, options, (text) => void proc.stderr.write(`protoc-gen-svc: warning: ${text}\n`)),
    defaultRuntime: defaultRuntimeSpec(ownVersion()),
    exists: (path) => access(path).then(() => true, () => false),
    readFile: (path) => readFile(path, "utf8").then((text) => text, () => undefined),
    listFiles: (dir) =>
      readdir(dir, { withFileTypes: true }).then(
        (entries) => entries.filter((entry) => entry.isFile()).map((entry) => entry.name),
        () => [],
      ),
    log: (line) => void proc.stderr.write(`${line}\n`),
  };
}

async function readAll(stream: AsyncIterable<Uint8Array | string>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** Writes and waits until the data is handed to the OS, so the exit status follows the output. */
function write(stream: PluginProcess["stdout"], data: Uint8Array | string): Promise<number> {
  return new Promise((resolve, reject) => {
    stream.write(data, (error) => (error ? reject(error) : resolve(0)));
  });
}
