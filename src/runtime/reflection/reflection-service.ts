/**
 * gRPC server reflection (https://github.com/grpc/grpc/blob/master/doc/server-reflection.md),
 * `grpc.reflection.v1` and `grpc.reflection.v1alpha`, answered from the protobuf-es descriptors
 * that generated code embeds. `@grpc/reflection` was not used: it re-encodes files through
 * protobufjs, dropping custom options (e.g. `google.api.http`), leaves out imports that are used
 * only for options, and adds about 100 ms to start-up (protobufjs, proto-loader, .proto parsing).
 */
import type { DescFile, MessageInitShape } from "@bufbuild/protobuf";
import type * as grpc from "@grpc/grpc-js";
import { Code } from "../code.js";
import { defineService } from "../codec.js";
import type { CallContext } from "../context.js";
import { makeEndpoint, type Middleware } from "../endpoint.js";
import {
  file_grpc_reflection_v1_reflection,
  ServerReflection,
  type ServerReflectionRequest,
  ServerReflectionResponseSchema,
} from "../gen/grpc/reflection/v1/reflection_pb.js";
import { file_grpc_reflection_v1alpha_reflection, ServerReflection as ServerReflectionV1Alpha } from "../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { addGrpcService } from "../grpc/server.js";
import type { ServiceSpec } from "../spec.js";
import { DescriptorIndex } from "./descriptor-index.js";

/** Options of {@link addReflectionService}. */
export interface ReflectionServiceOptions {
  /**
   * What `list_services` answers, besides the two reflection services; by default every service
   * declared in the given files (not in their imports).
   */
  readonly serviceNames?: readonly string[];
  /** Wraps the reflection calls (none by default). */
  readonly middleware?: readonly Middleware[];
}

type ResponseInit = MessageInitShape<typeof ServerReflectionResponseSchema>;
type ResponseBody = ResponseInit["messageResponse"];

const V1_SPEC = defineService(ServerReflection);

/**
 * v1alpha's messages are v1's under another package name: same fields, same numbers, so the same
 * wire format. One implementation, decoding with v1's types, serves both.
 */
const V1ALPHA_SPEC: ServiceSpec = {
  typeName: ServerReflectionV1Alpha.typeName,
  methods: {
    serverReflectionInfo: {
      ...V1_SPEC.methods.serverReflectionInfo,
      path: `/${ServerReflectionV1Alpha.typeName}/${ServerReflectionV1Alpha.method.serverReflectionInfo.name}`,
      serviceName: ServerReflectionV1Alpha.typeName,
    },
  },
};

/**
 * Registers `grpc.reflection.v1.ServerReflection` and `grpc.reflection.v1alpha.ServerReflection`.
 *
 * @param files the protobuf-es files of the served services (e.g. `RouteGuide.file`, and
 *   `file_grpc_health_v1_health` when the health service is served); their imports are found
 *   through `DescFile.dependencies`, so they need not be listed.
 */
export function addReflectionService(server: grpc.Server, files: readonly DescFile[], options: ReflectionServiceOptions = {}): void {
  const serviceNames = options.serviceNames ?? DescriptorIndex.servicesOf(files);
  const reflectionFiles = [file_grpc_reflection_v1_reflection, file_grpc_reflection_v1alpha_reflection];
  const listed = [...new Set([...serviceNames, ServerReflection.typeName, ServerReflectionV1Alpha.typeName])];
  // Built on the first reflection call, not at start-up.
  let index: DescriptorIndex | undefined;
  const indexed = () => (index ??= new DescriptorIndex([...files, ...reflectionFiles]));
  const endpoint = makeEndpoint(
    V1_SPEC.methods.serverReflectionInfo,
    (_ctx: CallContext, requests: AsyncIterable<ServerReflectionRequest>) => answerAll(requests, indexed, listed),
    options.middleware ?? [],
  );
  addGrpcService(server, V1_SPEC, { serverReflectionInfo: endpoint });
  addGrpcService(server, V1ALPHA_SPEC, { serverReflectionInfo: endpoint });
}

/** One answer per request, in order; files a client already got on this stream are not resent. */
async function* answerAll(
  requests: AsyncIterable<ServerReflectionRequest>,
  index: () => DescriptorIndex,
  serviceNames: readonly string[],
): AsyncGenerator<ResponseInit> {
  const alreadySent = new Set<string>();
  for await (const request of requests) {
    const messageResponse = answer(request.messageRequest, index(), serviceNames, alreadySent);
    yield { validHost: request.host, originalRequest: request, messageResponse };
  }
}

function answer(
  request: ServerReflectionRequest["messageRequest"],
  index: DescriptorIndex,
  serviceNames: readonly string[],
  alreadySent: Set<string>,
): ResponseBody {
  const files = (file: DescFile | undefined, what: string): ResponseBody =>
    file === undefined
      ? failure(Code.NOT_FOUND, `${what} not found`)
      : { case: "fileDescriptorResponse", value: { fileDescriptorProto: index.encodeWithDependencies(file, alreadySent) } };
  switch (request.case) {
    case "fileByFilename":
      return files(index.fileByName(request.value), `file "${request.value}"`);
    case "fileContainingSymbol":
      return files(index.fileContainingSymbol(request.value), `symbol "${request.value}"`);
    case "fileContainingExtension": {
      const { containingType, extensionNumber } = request.value;
      return files(index.fileContainingExtension(containingType, extensionNumber), `extension ${extensionNumber} of "${containingType}"`);
    }
    case "allExtensionNumbersOfType": {
      const numbers = index.extensionNumbersOf(request.value);
      if (numbers === undefined) return failure(Code.NOT_FOUND, `message type "${request.value}" not found`);
      return { case: "allExtensionNumbersResponse", value: { baseTypeName: request.value, extensionNumber: [...numbers] } };
    }
    case "listServices":
      return { case: "listServicesResponse", value: { service: serviceNames.map((name) => ({ name })) } };
    case undefined:
      return failure(Code.INVALID_ARGUMENT, "the request sets none of the message_request fields");
  }
}

function failure(code: Code, message: string): ResponseBody {
  return { case: "errorResponse", value: { errorCode: code, errorMessage: message } };
}
