// Server reflection request by request: every kind of lookup, imports of imports, files a stream
// already sent, errors, and descriptors that a client can rebuild custom options from.
import { createFileRegistry, fromBinary, getOption, type DescMethod, type MessageInitShape } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code, defineService, GrpcConnection } from "../../src/runtime/index.js";
import {
  ServerReflection,
  type ServerReflectionRequestSchema,
  type ServerReflectionResponse,
} from "../../src/runtime/gen/grpc/reflection/v1/reflection_pb.js";
import { ServerReflection as ServerReflectionV1Alpha } from "../../src/runtime/gen/grpc/reflection/v1alpha/reflection_pb.js";
import { registerGrpcServices, serviceNames } from "../../generated-samples/ecommerce/ecommerce-product-v1/src/gen/server.js";
import { file_ecommerce_product_v1_product } from "../../generated-samples/ecommerce/ecommerce-product-v1/src/gen/pb/ecommerce/product/v1/product_pb.js";
import { http } from "../../generated-samples/ecommerce/ecommerce-product-v1/src/gen/pb/google/api/annotations_pb.js";
import { ProductHandler } from "../../generated-samples/ecommerce/ecommerce-product-v1/src/handlers/product.js";
import { collect, streamOf } from "../support/streams.js";
import { serveWithHealth, type ServedWithHealth } from "./serve.js";

type Request = MessageInitShape<typeof ServerReflectionRequestSchema>["messageRequest"];

const V1 = defineService(ServerReflection).methods.serverReflectionInfo;
const V1ALPHA = defineService(ServerReflectionV1Alpha).methods.serverReflectionInfo;
const PRODUCT_FILE = "ecommerce/product/v1/product.proto";
const HTTP_EXTENSION_NUMBER = 72295728; // (google.api.http) on google.protobuf.MethodOptions

/** The file names in a file_descriptor_response. */
function fileNames(response: ServerReflectionResponse): string[] {
  if (response.messageResponse.case !== "fileDescriptorResponse") throw new Error(`not files: ${response.messageResponse.case}`);
  return response.messageResponse.value.fileDescriptorProto.map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes).name);
}

function errorOf(response: ServerReflectionResponse): { code: number } {
  if (response.messageResponse.case !== "errorResponse") throw new Error(`not an error: ${response.messageResponse.case}`);
  return { code: response.messageResponse.value.errorCode };
}

describe("server reflection, request by request", () => {
  let served: ServedWithHealth;
  let connection: GrpcConnection;
  /** Sends the requests on one reflection stream (v1) and collects the answers. */
  const ask = (...requests: Request[]) => collect(connection.bidiStream(V1, streamOf(...requests.map((messageRequest) => ({ host: "h", messageRequest })))));

  beforeAll(async () => {
    served = await serveWithHealth({
      register: (server) => registerGrpcServices(server, { product: new ProductHandler() }),
      serviceNames,
      files: [file_ecommerce_product_v1_product],
    });
    connection = new GrpcConnection(`127.0.0.1:${served.handle.port}`);
  });
  afterAll(async () => {
    connection?.close();
    await served?.handle.shutdown(0);
  });

  test("file_containing_symbol of a service sends its file and every import, transitively, once", async () => {
    const [first, again, timestamp] = await ask(
      { case: "fileContainingSymbol", value: "ecommerce.product.v1.ProductService" },
      { case: "fileContainingSymbol", value: "ecommerce.product.v1.Product" },
      { case: "fileContainingSymbol", value: "google.protobuf.Timestamp" },
    );
    // The file asked for first, then each of its imports, transitively, once.
    const [asked, ...imports] = fileNames(first!);
    expect(asked).toBe(PRODUCT_FILE);
    expect(imports.sort()).toEqual([
      "buf/validate/validate.proto", // imported only for options: still sent
      "google/api/annotations.proto",
      "google/api/http.proto",
      "google/protobuf/descriptor.proto",
      "google/protobuf/duration.proto",
      "google/protobuf/field_mask.proto",
      "google/protobuf/timestamp.proto",
      "gensvc/options/v1/options.proto",
    ].sort());
    // The same stream already has the imports: only the file asked for comes again.
    expect(fileNames(again!)).toEqual([PRODUCT_FILE]);
    expect(fileNames(timestamp!)).toEqual(["google/protobuf/timestamp.proto"]);
    expect(first!.validHost).toBe("h");
    expect(first!.originalRequest?.messageRequest).toEqual({ case: "fileContainingSymbol", value: "ecommerce.product.v1.ProductService" });
  });

  test("a symbol of an imported file resolves to that file", async () => {
    const [timestamp] = await ask({ case: "fileContainingSymbol", value: "google.protobuf.Timestamp" });
    expect(fileNames(timestamp!)).toEqual(["google/protobuf/timestamp.proto"]);
  });

  test("methods, fields, nested types, enum values and extensions are symbols too", async () => {
    const symbols = [
      ["ecommerce.product.v1.ProductService.GetProductById", PRODUCT_FILE],
      ["ecommerce.product.v1.Product.created_at", PRODUCT_FILE],
      [".ecommerce.product.v1.GetProductByIdRequest", PRODUCT_FILE],
      ["google.protobuf.FieldDescriptorProto.Type", "google/protobuf/descriptor.proto"],
      ["google.protobuf.FieldDescriptorProto.TYPE_STRING", "google/protobuf/descriptor.proto"],
      ["google.api.http", "google/api/annotations.proto"],
      ["grpc.health.v1.Health.Watch", "grpc/health/v1/health.proto"],
      ["grpc.reflection.v1alpha.ServerReflectionRequest", "grpc/reflection/v1alpha/reflection.proto"],
    ];
    const answers = await ask(...symbols.map(([symbol]): Request => ({ case: "fileContainingSymbol", value: symbol! })));
    expect(answers.map((answer) => fileNames(answer)[0])).toEqual(symbols.map(([, file]) => file));
  });

  test("file_by_filename, and a client rebuilds the custom options (google.api.http) from what it got", async () => {
    const [answer] = await ask({ case: "fileByFilename", value: PRODUCT_FILE });
    if (answer!.messageResponse.case !== "fileDescriptorResponse") throw new Error("expected files");
    const files = answer!.messageResponse.value.fileDescriptorProto.map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes));
    // Answers list a file before its imports; the registry is built from the first, resolving imports by name.
    const byFileName = new Map(files.map((file) => [file.name, file]));
    const registry = createFileRegistry(files[0]!, (name) => byFileName.get(name));
    const service = registry.getService("ecommerce.product.v1.ProductService");
    const byName = (name: string) => service?.methods.find((m) => m.name === name) as DescMethod;
    expect(getOption(byName("GetProductById"), http).pattern).toEqual({ case: "get", value: "/v1/products/{id}" });
  });

  test("file_containing_extension and all_extension_numbers_of_type", async () => {
    const [extension, numbers, noNumbers] = await ask(
      { case: "fileContainingExtension", value: { containingType: "google.protobuf.MethodOptions", extensionNumber: HTTP_EXTENSION_NUMBER } },
      { case: "allExtensionNumbersOfType", value: "google.protobuf.MethodOptions" },
      { case: "allExtensionNumbersOfType", value: "google.protobuf.FileOptions" },
    );
    expect(fileNames(extension!)[0]).toBe("google/api/annotations.proto");
    expect(numbers!.messageResponse).toMatchObject({
      case: "allExtensionNumbersResponse",
      // gen-svc's method policy (51700) and google.api.http, both used by the product contract.
      value: { baseTypeName: "google.protobuf.MethodOptions", extensionNumber: [51700, HTTP_EXTENSION_NUMBER] },
    });
    expect(noNumbers!.messageResponse).toMatchObject({ case: "allExtensionNumbersResponse", value: { extensionNumber: [] } });
  });

  test("unknown names answer NOT_FOUND, an empty request INVALID_ARGUMENT, and the stream goes on", async () => {
    const answers = await ask(
      { case: "fileContainingSymbol", value: "no.such.Symbol" },
      { case: "fileByFilename", value: "no/such.proto" },
      { case: "fileContainingExtension", value: { containingType: "google.protobuf.MethodOptions", extensionNumber: 1 } },
      { case: "allExtensionNumbersOfType", value: "no.such.Message" },
      { case: undefined },
      { case: "listServices", value: "*" },
    );
    expect(answers.slice(0, 5).map(errorOf)).toEqual([
      { code: Code.NOT_FOUND },
      { code: Code.NOT_FOUND },
      { code: Code.NOT_FOUND },
      { code: Code.NOT_FOUND },
      { code: Code.INVALID_ARGUMENT },
    ]);
    expect(answers[5]!.messageResponse.case).toBe("listServicesResponse");
  });

  test("v1alpha answers with its own message types on the wire", async () => {
    const answers = await collect(
      connection.bidiStream(V1ALPHA, streamOf({ messageRequest: { case: "listServices" as const, value: "" } }, { messageRequest: { case: "fileContainingSymbol" as const, value: "google.protobuf.Timestamp" } })),
    );
    expect(answers[0]!.$typeName).toBe("grpc.reflection.v1alpha.ServerReflectionResponse");
    expect(answers[0]!.messageResponse).toMatchObject({ case: "listServicesResponse" });
    const listed = answers[0]!.messageResponse.case === "listServicesResponse" ? answers[0]!.messageResponse.value.service.map((s) => s.name) : [];
    expect(listed.sort()).toEqual(["ecommerce.product.v1.ProductService", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"]);
    expect(answers[1]!.messageResponse).toMatchObject({ case: "fileDescriptorResponse" });
  });
});
