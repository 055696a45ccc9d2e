// The generated deployment files, offline: docker-compose accepts every compose file, every
// Kubernetes manifest validates against the Kubernetes schemas (kubernetes-models), Dockerfiles
// parse (dockerfile-ast) with no dockerfilelint findings beyond the allow-list below, and the
// options choose which files are written and what they carry.
import { execFile } from "node:child_process";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { create } from "@bufbuild/protobuf";
import { CodeGeneratorRequestSchema } from "@bufbuild/protobuf/wkt";
import { DockerfileParser } from "dockerfile-ast";
import dockerfilelint from "dockerfilelint";
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { Service } from "kubernetes-models/v1";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { generate } from "../../src/core/generate.js";
import { OptionError, parseOptions } from "../../src/core/options.js";
import { kubernetesServiceName } from "../../src/deploy/context.js";
import { defaultKubernetesServiceName } from "../../src/runtime/registry/kubernetes-dns.js";
import { compileWithBundled } from "../openapi/compile.js";
import { repoRoot } from "./podman.js";

const run = promisify(execFile);

/**
 * dockerfilelint findings accepted, each with why:
 * - missing_tag on `FROM ${BASE_IMAGE}` and `FROM <stage>`: the tag is in the ARG's pinned default,
 *   and stage names have none; dockerfilelint sees neither.
 * - invalid_format on HEALTHCHECK: its option pattern `--\w+` reads `--start-period` as `--start`.
 */
const lintAllowList = [
  { rule: "missing_tag", instruction: /^FROM (\$\{BASE_IMAGE\}|[a-z-]+) AS [a-z-]+$/ },
  { rule: "invalid_format", instruction: /^HEALTHCHECK .*--start-period=/ },
];

/** The generated files of a proto example, in memory, with the given option pairs. */
async function generated(exampleDir: string, files: string[], pairs: Array<[string, string]> = []): Promise<Map<string, string>> {
  const registry = compileWithBundled(join(repoRoot, "proto-examples", exampleDir), files);
  const request = create(CodeGeneratorRequestSchema, { fileToGenerate: files, protoFile: [...registry.files].map((f) => f.proto) });
  return new Map((await generate(request, parseOptions(pairs, "^0.0.0"))).map((f) => [f.path, f.content]));
}

const examples = [
  { dir: "greeter", files: ["greeter/v1/greeter.proto"] },
  { dir: "routeguide", files: ["routeguide/v1/route_guide.proto"] },
  { dir: "bookstore", files: ["bookstore/v1/bookstore.proto"] },
  // Two packages generated together: one folder each, and a compose file for both at the root.
  { dir: "ecommerce", files: ["ecommerce/product/v1/product.proto", "ecommerce/order/v1/order.proto"] },
];

const outputs = new Map<string, Map<string, string>>();
let workDir: string;

beforeAll(async () => {
  for (const example of examples) outputs.set(example.dir, await generated(example.dir, example.files));
  workDir = await mkdtemp(join(tmpdir(), "gen-svc-deploy-files-"));
}, 120_000);

afterAll(async () => {
  if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
});

/** Every generated file of every example whose path matches. */
function filesMatching(pattern: RegExp): Array<[string, string]> {
  return [...outputs].flatMap(([dir, files]) => [...files].filter(([path]) => pattern.test(path)).map(([path, content]): [string, string] => [`${dir}/${path}`, content]));
}

describe("compose files", () => {
  test("docker-compose config -q accepts every one", async () => {
    const composes = filesMatching(/(^|\/)compose\.yaml$/);
    // One per package (ecommerce has two) and one for ecommerce's packages together.
    expect(composes.map(([path]) => path).sort()).toEqual([
      "bookstore/compose.yaml",
      "ecommerce/compose.yaml",
      "ecommerce/ecommerce-order-v1/compose.yaml",
      "ecommerce/ecommerce-product-v1/compose.yaml",
      "greeter/compose.yaml",
      "routeguide/compose.yaml",
    ]);
    for (const [dir, files] of outputs) {
      for (const [path, content] of files) {
        await mkdir(dirname(join(workDir, dir, path)), { recursive: true });
        await writeFile(join(workDir, dir, path), content);
      }
    }
    for (const [path] of composes) {
      await expect(run("docker-compose", ["-f", join(workDir, path), "config", "-q"], { timeout: 30_000 }), path).resolves.toBeDefined();
    }
  });

  test("for packages generated together, one file runs them all against one etcd", () => {
    const compose = parse(outputs.get("ecommerce")!.get("compose.yaml")!);
    expect(Object.keys(compose.services)).toEqual(["ecommerce-order-v1", "ecommerce-product-v1", "etcd", "prometheus"]);
    expect(compose.services["ecommerce-order-v1"].build.context).toBe("ecommerce-order-v1");
    expect(compose.services["ecommerce-order-v1"].environment.REGISTRY).toBe("etcd://etcd:2379");
    expect(compose.services["ecommerce-product-v1"].environment.REGISTRY).toBe("etcd://etcd:2379");
    const targets = parse(outputs.get("ecommerce")!.get("prometheus.yml")!).scrape_configs.map((c: { static_configs: Array<{ targets: string[] }> }) => c.static_configs[0]!.targets[0]);
    expect(targets).toEqual(["ecommerce-order-v1:9090", "ecommerce-product-v1:9090"]);
  });

  test("run the service with etcd as its registry and Prometheus scraping its admin port", () => {
    const compose = parse(outputs.get("greeter")!.get("compose.yaml")!);
    expect(Object.keys(compose.services)).toEqual(["greeter-v1", "etcd", "prometheus"]);
    expect(compose.services["greeter-v1"].environment.REGISTRY).toBe("etcd://etcd:2379");
    expect(compose.services["greeter-v1"].read_only).toBe(true);
    const prometheus = parse(outputs.get("greeter")!.get("prometheus.yml")!);
    expect(prometheus.scrape_configs[0].static_configs[0].targets).toEqual(["greeter-v1:9090"]);
  });
});

describe("Kubernetes manifests", () => {
  const models: Record<string, new (doc: never) => { validate(): void }> = {
    "apps/v1/Deployment": Deployment,
    "v1/Service": Service,
    "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
    "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  };

  test("every manifest validates against the Kubernetes schemas", () => {
    const manifests = filesMatching(/(^|\/)k8s\/(?!kustomization)[^/]+\.yaml$/);
    expect(manifests.length).toBeGreaterThanOrEqual(examples.length * 5);
    for (const [path, content] of manifests) {
      for (const doc of parseAllDocuments(content).map((d) => d.toJS())) {
        const Model = models[`${doc.apiVersion}/${doc.kind}`];
        expect(Model, `${path}: ${doc.apiVersion} ${doc.kind}`).toBeDefined();
        expect(() => new Model!(doc as never).validate(), path).not.toThrow();
      }
    }
  });

  test("the kustomization lists every manifest of its folder", () => {
    const files = outputs.get("routeguide")!;
    const kustomization = parse(files.get("k8s/kustomization.yaml")!);
    const manifests = [...files.keys()].filter((p) => p.startsWith("k8s/") && p !== "k8s/kustomization.yaml").map((p) => p.slice(4));
    expect([...kustomization.resources].sort()).toEqual(manifests.sort());
  });

  test("the Deployment is hardened, probed and drains before it is killed", () => {
    const deployment = parse(outputs.get("greeter")!.get("k8s/deployment.yaml")!);
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(container.volumeMounts).toEqual([{ name: "tmp", mountPath: "/tmp" }]);
    expect(pod.volumes[0]).toMatchObject({ name: "tmp", emptyDir: {} });
    expect(container.startupProbe.grpc).toEqual({ port: 50051 });
    expect(container.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "admin" });
    expect(container.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "admin" });
    expect(container.lifecycle.preStop.sleep.seconds).toBe(5);
    // The default grace period is 10 s; Kubernetes must wait for the preStop pause plus the drain.
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(5 + 10);
    const service = parse(outputs.get("greeter")!.get("k8s/service.yaml")!);
    expect(service.spec.ports.map((p: { name: string }) => p.name)).toEqual(["grpc", "http"]);
  });

  test("the headless discovery Service is named as the runtime's k8s:// registry looks it up", () => {
    for (const name of ["greeter.v1.Greeter", "ecommerce.product.v1.ProductService", "a.b.HTTPThingService", "x.OrderHistory"]) {
      expect(kubernetesServiceName(name)).toBe(defaultKubernetesServiceName(name));
    }
    const headless = parse(outputs.get("greeter")!.get("k8s/discovery-greeter.yaml")!);
    expect(headless.spec.clusterIP).toBe("None");
    expect(headless.spec.ports[0].name).toBe("grpc");
  });
});

describe("Dockerfiles", () => {
  test("parse, and dockerfilelint finds nothing beyond the allow-list", () => {
    const dockerfiles = filesMatching(/(^|\/)Dockerfile$/);
    expect(dockerfiles.length).toBe(examples.length + 1);
    for (const [path, content] of dockerfiles) {
      const lines = content.split("\n");
      const findings = (dockerfilelint.run(workDir, content) as Array<{ rule: string; line: number }>).filter(
        (finding) => !lintAllowList.some((allowed) => allowed.rule === finding.rule && allowed.instruction.test(instructionAt(lines, finding.line - 1))),
      );
      expect(findings, path).toEqual([]);
      const instructions = DockerfileParser.parse(content).getInstructions();
      // base, deps (every dependency), build, prod-deps (production only), runtime.
      expect(instructions.filter((i) => i.getKeyword() === "FROM").map((i) => i.getArgumentsContent()), path).toEqual([
        "${BASE_IMAGE} AS base",
        "base AS deps",
        "deps AS build",
        "base AS prod-deps",
        "base AS runtime",
      ]);
      expect(instructions[0]!.getKeyword()).toBe("ARG");
      expect(instructions[0]!.getArgumentsContent()).toMatch(/^BASE_IMAGE=node:24\.\d+\.\d+-bookworm-slim$/);
      const last = (keyword: string): string => instructions.filter((i) => i.getKeyword() === keyword).at(-1)!.getArgumentsContent() ?? "";
      expect(last("USER")).toBe("1000:1000");
      expect(last("EXPOSE")).toBe("50051 8080 9090");
      expect(last("ENV")).toBe("NODE_ENV=production");
      expect(last("HEALTHCHECK")).toMatch(/CMD \["node", "-e", ".*\/healthz/);
      expect(content).toMatch(/RUN --mount=type=cache,target=\/root\/\.npm npm ci --omit=dev/);
    }
  });

  test("carry the contract's description in the OCI labels", () => {
    expect(outputs.get("greeter")!.get("Dockerfile")).toContain('org.opencontainers.image.description="Greets people by name."');
  });
});

/** The instruction starting at a 0-based line index, joined across continuation lines. */
function instructionAt(lines: readonly string[], line: number): string {
  let text = "";
  for (let i = line; i < lines.length; i++) {
    const current = lines[i]!.trim();
    if (!current.endsWith("\\")) return text + current;
    text += `${current.slice(0, -1)}`;
  }
  return text;
}

describe("options", () => {
  test("--deploy chooses the files; none writes none", async () => {
    const only = await generated("greeter", ["greeter/v1/greeter.proto"], [["deploy", "k8s"]]);
    expect(only.has("Dockerfile")).toBe(false);
    expect(only.has("compose.yaml")).toBe(false);
    expect(only.has("k8s/deployment.yaml")).toBe(true);
    const none = await generated("greeter", ["greeter/v1/greeter.proto"], [["deploy", "none"]]);
    expect([...none.keys()].filter((p) => /Dockerfile|dockerignore|compose|prometheus|k8s\//.test(p))).toEqual([]);
    const two = parseOptions([["deploy", "docker;compose"]], "^0").deploy.targets;
    expect(two).toEqual(["docker", "compose"]);
    expect(() => parseOptions([["deploy", "helm"]], "^0")).toThrow(OptionError);
    expect(() => parseOptions([["deploy", "none,k8s"]], "^0")).toThrow(OptionError);
  });

  test("image, registry, replicas and resources reach the manifests", async () => {
    const files = await generated("greeter", ["greeter/v1/greeter.proto"], [
      ["image", "greeter"],
      ["image_registry", "ghcr.io/acme"],
      ["replicas", "3"],
      ["cpu_request", "250m"],
      ["memory_limit", "1Gi"],
    ]);
    const deployment = parse(files.get("k8s/deployment.yaml")!);
    expect(deployment.spec.replicas).toBe(3);
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toBe("ghcr.io/acme/greeter:0.1.0");
    expect(container.resources).toEqual({ requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "1", memory: "1Gi" } });
    expect(parse(files.get("k8s/hpa.yaml")!).spec.minReplicas).toBe(3);
    expect(parse(files.get("compose.yaml")!).services["greeter-v1"].image).toBe("ghcr.io/acme/greeter:0.1.0");
    expect(() => parseOptions([["replicas", "0"]], "^0")).toThrow(OptionError);
    // A package named like its service's discovery name keeps one Service of that name.
    const named = await generated("greeter", ["greeter/v1/greeter.proto"], [["package_name", "greeter"]]);
    expect([...named.keys()].filter((p) => p.startsWith("k8s/")).sort()).toEqual(["k8s/deployment.yaml", "k8s/hpa.yaml", "k8s/kustomization.yaml", "k8s/pdb.yaml", "k8s/service.yaml"]);
    expect(() => parseOptions([["memory_limit", "lots"]], "^0")).toThrow(OptionError);
  });
});
