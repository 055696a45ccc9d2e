/**
 * The model over real-world contracts (../shared/corpus): every entry must build, and what it
 * finds must agree with the entry's description in ENTRIES.txt (services, methods, streaming
 * kinds, HTTP rules).
 */
import { existsSync, readFileSync } from "node:fs";
import { getOption, hasOption } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { buildApiModel } from "../../src/model/build.js";
import { http } from "../../src/model/gen/google/api/annotations_pb.js";
import { compileModule } from "./compile.js";
import { corpusDir } from "../support/corpus.js";

const corpus = corpusDir();

interface Entry {
  file: string;
  services: number;
  methods: number;
  kinds: string[];
  httpMethods: number;
  additionalBindings: number;
  bufOk: boolean;
}

function parseEntry(line: string): Entry {
  const [file, note = ""] = line.split("#").map((part) => part.trim());
  const number = (pattern: RegExp) => Number(pattern.exec(note)?.[1] ?? 0);
  return {
    file: file!,
    services: number(/services=(\d+)/),
    methods: number(/methods=(\d+)/),
    kinds: (/streaming: ([a-z,-]+)/.exec(note)?.[1] ?? "").split(",").map((kind) => kind.replace("-", "_")),
    httpMethods: number(/google\.api\.http: yes \((\d+)\//),
    additionalBindings: number(/(\d+) additional_bindings/),
    bufOk: note.includes("buf=ok"),
  };
}

const entries = existsSync(corpus)
  ? readFileSync(`${corpus}/ENTRIES.txt`, "utf8").split("\n").filter((line) => line.trim() !== "").map(parseEntry)
  : [];

describe.skipIf(entries.length === 0)("corpus", () => {
  it("has the 62 entries the README describes", () => {
    expect(entries).toHaveLength(62);
  });

  it.each(entries.filter((entry) => entry.bufOk).map((entry) => [entry.file, entry] as const))("%s", (file, entry) => {
    const model = buildApiModel(compileModule(corpus, file), [file], []);
    const services = model.packages.flatMap((pkg) => pkg.services);
    const methods = services.flatMap((service) => service.methods);
    expect(services).toHaveLength(entry.services);
    expect(methods).toHaveLength(entry.methods);
    expect(new Set(methods.map((method) => method.kind))).toEqual(new Set(entry.kinds));
    // Every rule and additional binding is modelled, or dropped with a warning as shadowed.
    // (ENTRIES.txt misses `additional_bindings: {...}` written with a colon, hence ">=".)
    const rules = methods.filter((method) => hasOption(method.desc, http)).map((method) => getOption(method.desc, http));
    const declared = rules.reduce((sum, rule) => sum + 1 + rule.additionalBindings.length, 0);
    const bindings = methods.reduce((sum, method) => sum + method.http.length, 0);
    expect(rules).toHaveLength(entry.httpMethods);
    expect(declared - rules.length).toBeGreaterThanOrEqual(entry.additionalBindings);
    expect(bindings + model.warnings.length).toBe(declared);
    for (const method of methods) {
      expect(method.location?.file).toBe(file);
      for (const binding of method.http) expect(binding.location?.file).toBe(file);
    }
  });

  it("warns only about BigQuery Storage's overlapping bindings", () => {
    const file = "google/cloud/bigquery/storage/v1/storage.proto";
    const warnings = buildApiModel(compileModule(corpus, file), [file], []).warnings;
    expect(warnings.map((w) => `${w.location?.line}: ${w.message.split(" matches")[0]}`)).toEqual([
      '108: HTTP binding GET "/v1/{name=projects/*/locations/*/sessions/*/streams/*}" of google.cloud.bigquery.storage.v1.BigQueryRead.SplitReadStream',
      '134: HTTP binding POST "/v1/{parent=projects/*/datasets/*/tables/*}" of google.cloud.bigquery.storage.v1.BigQueryWrite.CreateWriteStream',
      '182: HTTP binding POST "/v1/{name=projects/*/datasets/*/tables/*/streams/*}" of google.cloud.bigquery.storage.v1.BigQueryWrite.GetWriteStream',
      '193: HTTP binding POST "/v1/{name=projects/*/datasets/*/tables/*/streams/*}" of google.cloud.bigquery.storage.v1.BigQueryWrite.FinalizeWriteStream',
      '223: HTTP binding POST "/v1/{write_stream=projects/*/datasets/*/tables/*/streams/*}" of google.cloud.bigquery.storage.v1.BigQueryWrite.FlushRows',
    ]);
  });

  // buf does not accept a message-set extension inside an option value (a proto1 feature
  // protoc still supports): unittest_custom_options.proto:381 sets one in `(fileopt).mset`.
  it("is told by buf why unittest_custom_options.proto does not compile", () => {
    const file = "google/protobuf/unittest_custom_options.proto";
    expect(entries.find((entry) => entry.file === file)?.bufOk).toBe(false);
    expect(() => compileModule(corpus, file)).toThrow(/381:5:.*message set wire format/);
  });
});
