/**
 * When does a handler method's signature need the contract's new types? Users narrow the
 * generated annotations on purpose (`AsyncIterable<Feature>` for the generated
 * `AsyncIterable<MessageInitShape<typeof FeatureSchema>>`), so the text is not compared. What is
 * compared is what a contract change alters: which messages the annotation names, and whether it
 * is a stream. A message is identified by the module it is imported from and its name: `Feature`
 * and `typeof FeatureSchema` both name message `Feature`.
 */
import { ts, type ImportBinding } from "./source.js";

/** What an annotation says about the contract. */
export interface TypeShape {
  /** `module#Message` for every message the annotation names, sorted, without repeats. */
  messages: string[];
  /** Whether it is a stream (`AsyncIterable<...>`); `undefined` when the annotation does not say. */
  stream: boolean | undefined;
}

const streamTypes = new Set(["AsyncIterable", "AsyncIterableIterator", "AsyncGenerator"]);
const singleTypes = new Set(["Promise", "PromiseLike"]);

/** Message modules: protobuf-es's `*_pb.js` files and the well-known types. */
function isMessageModule(module: string): boolean {
  return module.endsWith("_pb.js") || module === "@bufbuild/protobuf/wkt";
}

/** The shape of a parameter (`role: "param"`) or return (`"return"`) annotation. */
export function typeShape(node: ts.TypeNode, imports: ReadonlyMap<string, ImportBinding>, role: "param" | "return"): TypeShape {
  const messages = new Set<string>();
  const visit = (current: ts.Node): void => {
    const key = messageKey(current, imports);
    if (key !== undefined) messages.add(key);
    current.forEachChild(visit);
  };
  visit(node);
  return { messages: [...messages].sort(), stream: streamness(node, imports, role) };
}

/** Whether two shapes differ in a way the contract decides (what the user's annotation leaves open is not compared). */
export function shapesDiffer(user: TypeShape, contract: TypeShape): boolean {
  const messagesDiffer = user.messages.length > 0 && user.messages.join("\n") !== contract.messages.join("\n");
  const streamDiffers = user.stream !== undefined && contract.stream !== undefined && user.stream !== contract.stream;
  return messagesDiffer || streamDiffers;
}

/** The message a type reference (`Feature`) or type query (`typeof FeatureSchema`) names. */
function messageKey(node: ts.Node, imports: ReadonlyMap<string, ImportBinding>): string | undefined {
  if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) {
    const binding = imports.get(node.typeName.text);
    return binding && isMessageModule(binding.module) ? `${binding.module}#${binding.imported}` : undefined;
  }
  if (ts.isTypeQueryNode(node) && ts.isIdentifier(node.exprName)) {
    const binding = imports.get(node.exprName.text);
    if (!binding || !isMessageModule(binding.module) || !binding.imported.endsWith("Schema")) return undefined;
    return `${binding.module}#${binding.imported.slice(0, -"Schema".length)}`;
  }
  return undefined;
}

function streamness(node: ts.TypeNode, imports: ReadonlyMap<string, ImportBinding>, role: "param" | "return"): boolean | undefined {
  let outer = node;
  while (ts.isParenthesizedTypeNode(outer)) outer = outer.type;
  if (!ts.isTypeReferenceNode(outer) || !ts.isIdentifier(outer.typeName)) return undefined;
  const name = outer.typeName.text;
  if (streamTypes.has(name)) return true;
  if (role === "return") return singleTypes.has(name) ? false : undefined;
  // A request parameter that names a message directly is a single request.
  return messageKey(outer, imports) !== undefined ? false : undefined;
}
