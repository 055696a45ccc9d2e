// Server reflection as real tools use it: `buf curl` lists and calls the generated samples' services
// with no schema of its own, once per reflection protocol, and the server sees which one was used.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { registerGrpcServices as registerRouteGuide, serviceNames as routeGuideServices } from "../../generated-samples/routeguide/src/gen/server.js";
import { file_routeguide_v1_route_guide } from "../../generated-samples/routeguide/src/gen/pb/routeguide/v1/route_guide_pb.js";
import { RouteGuideHandler, sampleFeatures } from "../../generated-samples/routeguide/src/handlers/route-guide.js";
import { registerGrpcServices as registerEcommerce, serviceNames as ecommerceServices } from "../../generated-samples/ecommerce/ecommerce-product-v1/src/gen/server.js";
import { file_ecommerce_product_v1_product } from "../../generated-samples/ecommerce/ecommerce-product-v1/src/gen/pb/ecommerce/product/v1/product_pb.js";
import { ProductHandler, sampleCatalogue } from "../../generated-samples/ecommerce/ecommerce-product-v1/src/handlers/product.js";
import { bufCurl, sortedLines, type ReflectProtocol } from "./buf-curl.js";
import { serveWithHealth, type ServedWithHealth } from "./serve.js";

const PROTOCOLS: Array<{ protocol: ReflectProtocol; path: string }> = [
  { protocol: "grpc-v1", path: "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo" },
  { protocol: "grpc-v1alpha", path: "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo" },
];

describe.each(PROTOCOLS)("buf curl through reflection $protocol", ({ protocol, path }) => {
  let routeGuide: ServedWithHealth;
  let ecommerce: ServedWithHealth;
  const urlOf = (served: ServedWithHealth) => `http://127.0.0.1:${served.handle.port}`;

  beforeAll(async () => {
    routeGuide = await serveWithHealth({
      register: (server) => registerRouteGuide(server, { routeGuide: new RouteGuideHandler() }),
      serviceNames: routeGuideServices,
      files: [file_routeguide_v1_route_guide],
    });
    ecommerce = await serveWithHealth({
      register: (server) => registerEcommerce(server, { product: new ProductHandler() }),
      serviceNames: ecommerceServices,
      files: [file_ecommerce_product_v1_product],
    });
  });
  afterAll(async () => {
    await routeGuide?.handle.shutdown(0);
    await ecommerce?.handle.shutdown(0);
  });

  test("--list-services lists the sample's service, health and both reflection services", async () => {
    expect(sortedLines(await bufCurl(protocol, ["--list-services", urlOf(routeGuide)]))).toEqual([
      "grpc.health.v1.Health",
      "grpc.reflection.v1.ServerReflection",
      "grpc.reflection.v1alpha.ServerReflection",
      "routeguide.v1.RouteGuide",
    ]);
    expect(new Set(routeGuide.reflectionCalls)).toEqual(new Set([path]));
  });

  test("--list-methods lists every method of every listed service", async () => {
    expect(sortedLines(await bufCurl(protocol, ["--list-methods", urlOf(routeGuide)]))).toEqual([
      "grpc.health.v1.Health/Check",
      "grpc.health.v1.Health/List",
      "grpc.health.v1.Health/Watch",
      "grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
      "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
      "routeguide.v1.RouteGuide/GetFeature",
      "routeguide.v1.RouteGuide/ListFeatures",
      "routeguide.v1.RouteGuide/RecordRoute",
      "routeguide.v1.RouteGuide/RouteChat",
    ]);
  });

  test("a unary and a server-streaming call of routeguide, JSON in and out, schema from reflection", async () => {
    const [first] = sampleFeatures();
    const point = { latitude: first!.location!.latitude, longitude: first!.location!.longitude };
    const feature = JSON.parse(await bufCurl(protocol, ["-d", JSON.stringify(point), `${urlOf(routeGuide)}/routeguide.v1.RouteGuide/GetFeature`]));
    expect(feature).toEqual({ name: first!.name, location: point });

    const rectangle = { lo: { latitude: 400000000, longitude: -750000000 }, hi: { latitude: 420000000, longitude: -730000000 } };
    const streamed = await bufCurl(protocol, ["-d", JSON.stringify(rectangle), `${urlOf(routeGuide)}/routeguide.v1.RouteGuide/ListFeatures`]);
    // buf curl prints each streamed message as its own JSON object.
    const names = [...streamed.matchAll(/"name": "([^"]*)"/g)].map((match) => match[1]);
    expect(names).toEqual(sampleFeatures().map((f) => f.name));
    expect(new Set(routeGuide.reflectionCalls)).toEqual(new Set([path]));
  });

  test("a call whose response holds a type from an imported file (google.protobuf.Timestamp)", async () => {
    const [product] = sampleCatalogue();
    const output = await bufCurl(protocol, ["-d", JSON.stringify({ id: product!.id }), `${urlOf(ecommerce)}/ecommerce.product.v1.ProductService/GetProductById`]);
    const answer = JSON.parse(output);
    expect(answer.name).toBe(product!.name);
    expect(answer.priceCents).toBe(String(product!.priceCents));
    // Printed as RFC 3339 only if buf resolved google/protobuf/timestamp.proto through reflection.
    expect(answer.createdAt).toBe("2026-01-15T09:30:00Z");
    expect(new Set(ecommerce.reflectionCalls)).toEqual(new Set([path]));
  });

  test("the health service is callable through reflection too", async () => {
    const output = await bufCurl(protocol, ["-d", JSON.stringify({ service: routeGuideServices[0] }), `${urlOf(routeGuide)}/grpc.health.v1.Health/Check`]);
    expect(JSON.parse(output)).toEqual({ status: "SERVING" });
  });
});
