/**
 * The validation tests' server: protos/checks.proto compiled with the real buf beside the bundled
 * protos (buf/validate/validate.proto among them, as the CLI's include path has it), served over
 * gRPC and HTTP on 127.0.0.1:0 with the runtime's recovery and validation middleware.
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { create, type DescService, type Message } from "@bufbuild/protobuf";
import {
  addGrpcService,
  createHttpTranscoder,
  GrpcConnection,
  HttpConnection,
  makeEndpoint,
  methodSpec,
  recovery,
  serveGrpc,
  serveHttp,
  validation,
  type Endpoint,
  type MethodSpec,
  type ServiceSpec,
} from "../../src/runtime/index.js";
import { compileModule } from "../model/compile.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Compiles protos/checks.proto; the workspace is removed right after. */
export function compileChecks(): DescService {
  const workspace = mkdtempSync(join(tmpdir(), "gensvc-validate-"));
  try {
    symlinkSync(join(root, "test/validate/protos"), join(workspace, "protos"));
    symlinkSync(join(root, "proto"), join(workspace, "proto"));
    writeFileSync(join(workspace, "buf.yaml"), "version: v2\nmodules:\n  - path: protos\n  - path: proto\n");
    const service = compileModule(workspace, "protos/checks.proto").getService("validatetest.v1.Checks");
    if (!service) throw new Error("validatetest.v1.Checks not compiled");
    return service;
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

/** The running servers, clients for both transports, and what the handlers saw. */
export interface ChecksServers {
  readonly service: DescService;
  readonly methods: Record<string, MethodSpec>;
  readonly grpc: GrpcConnection;
  readonly http: HttpConnection;
  readonly httpUrl: string;
  /** How many requests (or streamed items) reached a handler, by method local name. */
  readonly handled: Map<string, number>;
  close(): Promise<void>;
}

/** Serves the Checks service; every handler answers a Receipt counting the items it read. */
export async function serveChecks(): Promise<ChecksServers> {
  const service = compileChecks();
  const handled = new Map<string, number>();
  const count = (name: string) => handled.set(name, (handled.get(name) ?? 0) + 1);
  const methods: Record<string, MethodSpec> = {};
  const endpoints: Record<string, Endpoint> = {};
  for (const method of service.methods) {
    const spec = methodSpec(service.typeName, method);
    methods[method.localName] = spec;
    endpoints[method.localName] = makeEndpoint(spec, async (_ctx, input: Message | AsyncIterable<Message>) => {
      let items = 1;
      if (Symbol.asyncIterator in input) {
        items = 0;
        for await (const _item of input) {
          items += 1;
          count(method.localName);
        }
      } else {
        count(method.localName);
      }
      return create(service.file.messages.find((m) => m.name === "Receipt")!, { items });
    }, [recovery(), validation()]);
  }
  const spec: ServiceSpec = { typeName: service.typeName, methods, file: service.file };
  const grpcServer = await serveGrpc({ host: "127.0.0.1", port: 0, register: (server) => addGrpcService(server, spec, endpoints) });
  const transcoder = createHttpTranscoder({ services: [{ spec, endpoints }] });
  const httpServer = await serveHttp({ host: "127.0.0.1", port: 0, transcoder });
  const httpUrl = `http://127.0.0.1:${httpServer.port}`;
  const grpc = new GrpcConnection(`127.0.0.1:${grpcServer.port}`);
  const http = new HttpConnection(httpUrl);
  return {
    service,
    methods,
    grpc,
    http,
    httpUrl,
    handled,
    close: async () => {
      grpc.close();
      http.close();
      await Promise.all([grpcServer.shutdown(0), httpServer.shutdown(0)]);
    },
  };
}
