/**
 * The bookstore sample for tests: its handler with a ticking clock (one second per reading, so
 * times are strictly increasing and known), served on 127.0.0.1:0, and checks of error details.
 */
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { expect } from "vitest";
import {
  BadRequestSchema,
  Code,
  codeName,
  PreconditionFailureSchema,
  ResourceInfoSchema,
  ServiceError,
  createHttpTranscoder,
  serveHttp,
} from "../../src/runtime/index.js";
import { BookstoreClient } from "../../generated-samples/bookstore/src/gen/bookstore/grpc-client.js";
import { registerGrpcServices, serviceEndpoints } from "../../generated-samples/bookstore/src/gen/server.js";
import { BookstoreHandler, type BookstoreOptions } from "../../generated-samples/bookstore/src/handlers/bookstore.js";
import { Opened, rejectionOf } from "./serve.js";

/** The clock the handlers get: starts at START and moves one second each time it is read. */
export const START = Date.parse("2026-03-01T10:00:00Z");

/** A clock that ticks one second per reading. */
export function tickingClock(): () => Date {
  let readings = 0;
  return () => new Date(START + 1000 * readings++);
}

/** Serves a BookstoreHandler made with `options` (and a ticking clock) and returns its client. */
export async function serveBookstore(opened: Opened, options: BookstoreOptions = {}): Promise<{ client: BookstoreClient; port: number }> {
  const handler = new BookstoreHandler({ now: tickingClock(), ...options });
  const port = await opened.serve((s) => registerGrpcServices(s, { bookstore: handler }));
  return { client: opened.track(new BookstoreClient(`127.0.0.1:${port}`)), port };
}

/** The ServiceError a call fails with, checked to carry `code`. */
export async function failure(call: Promise<unknown>, code: Code): Promise<ServiceError> {
  const error = await rejectionOf(call);
  expect(error).toBeInstanceOf(ServiceError);
  expect(codeName((error as ServiceError).code)).toBe(codeName(code));
  return error as ServiceError;
}

/** The one detail of `schema` an error carries; fails when it has none. */
export function detail<Desc extends DescMessage>(error: ServiceError, schema: Desc): MessageShape<Desc> {
  const found = error.findDetail(schema);
  expect(found, `a ${schema.typeName} detail`).toBeDefined();
  return found!;
}

/** The fields a BadRequest detail names, in order. */
export function violatedFields(error: ServiceError): string[] {
  return detail(error, BadRequestSchema).fieldViolations.map((v) => v.field);
}

/** The resource a ResourceInfo detail names, as `type name`. */
export function resourceOf(error: ServiceError): string {
  const info = detail(error, ResourceInfoSchema);
  return `${info.resourceType} ${info.resourceName}`;
}

/** The `type subject` of a PreconditionFailure detail's violations. */
export function preconditionsOf(error: ServiceError): string[] {
  return detail(error, PreconditionFailureSchema).violations.map((v) => `${v.type} ${v.subject}`);
}

/** A bookstore served over HTTP/JSON (the real transcoder and node:http server) on 127.0.0.1:0. */
export async function serveBookstoreHttp(opened: Opened, handler: BookstoreHandler): Promise<string> {
  const transcoder = createHttpTranscoder({ services: serviceEndpoints({ bookstore: handler }) });
  const server = await serveHttp({ host: "127.0.0.1", port: 0, transcoder });
  opened.track({ close: () => server.shutdown(0) });
  return `http://127.0.0.1:${server.port}`;
}
