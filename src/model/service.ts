/** Service and method descriptors -> ServiceModel and MethodModel. */
import type { DescMessage, DescMethod, DescService } from "@bufbuild/protobuf";
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import { commentsOf } from "./comments.js";
import { httpBindings } from "./http.js";
import { locationOf } from "./location.js";
import { methodPolicy, servicePolicy } from "./policy.js";
import type { IdempotencyLevel, MessageRef, MethodModel, ServiceModel } from "./types.js";

/** The model of one service with all its methods, in declaration order. */
export function buildService(desc: DescService): ServiceModel {
  // The service's own policy is resolved first so that its errors are reported at the service,
  // not at the first method that inherits them.
  const policy = servicePolicy(desc);
  return {
    name: desc.name,
    typeName: desc.typeName,
    file: desc.file.proto.name,
    comments: commentsOf(desc),
    deprecated: desc.deprecated,
    methods: desc.methods.map(buildMethod),
    policy,
    location: locationOf(desc),
    desc,
  };
}

/** The model of one RPC. */
export function buildMethod(desc: DescMethod): MethodModel {
  return {
    name: desc.name,
    localName: desc.localName,
    path: `/${desc.parent.typeName}/${desc.name}`,
    kind: desc.methodKind,
    input: messageRef(desc.input),
    output: messageRef(desc.output),
    comments: commentsOf(desc),
    deprecated: desc.deprecated,
    idempotency: idempotencyLevels[desc.idempotency] ?? "unknown",
    http: httpBindings(desc),
    policy: methodPolicy(desc),
    location: locationOf(desc),
    desc,
  };
}

const idempotencyLevels: Record<MethodOptions_IdempotencyLevel, IdempotencyLevel> = {
  [MethodOptions_IdempotencyLevel.IDEMPOTENCY_UNKNOWN]: "unknown",
  [MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS]: "no_side_effects",
  [MethodOptions_IdempotencyLevel.IDEMPOTENT]: "idempotent",
};

function messageRef(desc: DescMessage): MessageRef {
  return { typeName: desc.typeName, file: desc.file.proto.name, desc };
}
