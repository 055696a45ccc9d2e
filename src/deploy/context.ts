/**
 * What every deployment file of one generated package shares: names, ports, the grace period and
 * the image reference. Pure: built from the package model and the options.
 */
import type { DeployOptions, DeployTarget } from "../core/options.js";
import type { PackageModel } from "../model/types.js";
import { serverSettings } from "../render/view/settings.js";

/** The facts the Dockerfile, compose file and Kubernetes manifests are written from. */
export interface DeployContext {
  /** The npm package name (`greeter-v1`, `@acme/orders`). */
  readonly packageName: string;
  /** A DNS-1123 label for compose services and Kubernetes objects (`greeter-v1`, `acme-orders`). */
  readonly appName: string;
  readonly version: string;
  /** One line for the OCI description label: the first service's comment, else a summary. */
  readonly description: string;
  readonly protoPackage: string;
  /** The fully qualified names of the services the package serves. */
  readonly serviceNames: readonly string[];
  /** `[<registry>/]<image>:<version>`. */
  readonly imageRef: string;
  readonly ports: { readonly grpc: number; readonly http: number; readonly admin: number };
  /** GRACE_PERIOD_MS and SHUTDOWN_DELAY_MS defaults: what shutdown may take. */
  readonly gracePeriodMs: number;
  readonly shutdownDelayMs: number;
  readonly targets: readonly DeployTarget[];
  readonly options: DeployOptions;
}

/** Builds the context of one package. */
export function deployContext(pkg: PackageModel, packageName: string, version: string, options: DeployOptions): DeployContext {
  const appName = dnsLabel(packageName);
  const image = options.image ?? appName;
  return {
    packageName,
    appName,
    version,
    description: descriptionOf(pkg),
    protoPackage: pkg.protoPackage || "(no package)",
    serviceNames: pkg.services.map((s) => s.typeName),
    imageRef: `${options.imageRegistry === undefined ? "" : `${options.imageRegistry}/`}${image}:${version}`,
    ports: { grpc: settingNumber("GRPC_PORT"), http: settingNumber("HTTP_PORT"), admin: settingNumber("ADMIN_PORT") },
    gracePeriodMs: settingNumber("GRACE_PERIOD_MS"),
    shutdownDelayMs: settingNumber("SHUTDOWN_DELAY_MS"),
    targets: options.targets,
    options,
  };
}

/** The default of a numeric server setting, as the runtime's settings table gives it. */
function settingNumber(env: string): number {
  const setting = serverSettings.find((s) => s.env === env);
  const value = Number(setting?.default);
  if (setting === undefined || !Number.isInteger(value)) throw new Error(`no numeric default for ${env}`);
  return value;
}

/** `@acme/Orders_v1` -> `acme-orders-v1`: lower case, `[a-z0-9-]`, at most 63 characters. */
export function dnsLabel(name: string): string {
  const label = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  return label === "" ? "service" : label;
}

/** The first sentence of the first service's leading comment, else what the package serves. */
function descriptionOf(pkg: PackageModel): string {
  const comment = pkg.services.map((s) => s.comments.leading.trim()).find((text) => text !== "");
  const summary = `Serves ${pkg.services.map((s) => s.typeName).join(", ")} over gRPC and HTTP/JSON`;
  if (comment === undefined) return summary;
  const oneLine = comment.replace(/\s+/g, " ");
  const sentence = /^(.*?[.!?])(\s|$)/.exec(oneLine)?.[1] ?? oneLine;
  return sentence.length > 200 ? `${sentence.slice(0, 197)}...` : sentence;
}

/**
 * The Kubernetes service name the runtime's `k8s://` discovery looks up for a proto service by
 * default: `shop.v1.OrderService` -> `order`. A copy of the runtime's defaultKubernetesServiceName
 * (the generator does not import the runtime); a test keeps the two equal.
 */
export function kubernetesServiceName(service: string): string {
  const last = service.slice(service.lastIndexOf(".") + 1).replace(/Service$/, "") || service;
  return last
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/[^A-Za-z0-9-]+/g, "-")
    .toLowerCase()
    .replace(/^-+|-+$/g, "");
}
