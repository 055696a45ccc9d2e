/**
 * Request validation with protovalidate (`@bufbuild/protovalidate`): the `buf.validate` rules of a
 * method's input message are checked before the handler runs. A request that breaks any rule is
 * answered INVALID_ARGUMENT (HTTP 400) with one `google.rpc.BadRequest` detail listing every
 * violation; every message of a request stream is checked as the handler reads it.
 */
import type { DescMessage, Message } from "@bufbuild/protobuf";
import type { Validator, ValidatorOptions } from "@bufbuild/protovalidate";
import type { CallContext } from "../context.js";
import type { Endpoint, Middleware } from "../endpoint.js";
import { decidedPerMethod } from "../policy/per-method.js";
import { streamsRequests, type MethodSpec } from "../spec.js";
import { hasValidationRules } from "./rules.js";
import { invalidArgument } from "./violations.js";

/** Options of {@link validation}. */
export interface ValidationOptions {
  /**
   * The validator to use; default `createValidator()` (all violations reported, RE2 patterns).
   * Pass one created with a `registry` to use predefined rules of your own.
   */
  readonly validator?: Validator;
  /** Options for the default validator; ignored when `validator` is given. */
  readonly validatorOptions?: ValidatorOptions;
}

/**
 * The validation middleware; put it last, just before the handler, so that rejected requests are
 * still logged, counted and authenticated. Methods whose input has no rules (anywhere in the
 * message tree) and methods without a protobuf-es descriptor go straight to the handler.
 */
export function validation(options: ValidationOptions = {}): Middleware {
  // Shared by every method: protovalidate plans each message type once and caches the plan.
  const validator = new SharedValidator(options);
  return decidedPerMethod((method, next) => {
    const schema = inputSchema(method);
    return schema ? validating(schema, validator, next) : next;
  });
}

/**
 * The validator, made when a method with rules is first called: protovalidate (with its CEL
 * interpreter) takes about 50 ms to load, which services without rules should not pay at
 * start-up. Calls arriving while it loads wait for it.
 */
class SharedValidator {
  private validator: Validator | undefined;
  private loading: Promise<Validator> | undefined;

  constructor(private readonly options: ValidationOptions) {
    this.validator = options.validator;
  }

  /** The validator once loaded; undefined before. */
  get ready(): Validator | undefined {
    return this.validator;
  }

  /** Loads protovalidate once and makes the validator. */
  load(): Promise<Validator> {
    return (this.loading ??= import("@bufbuild/protovalidate").then(({ createValidator }) => (this.validator = createValidator(this.options.validatorOptions))));
  }
}

/** The input message type of a method, when it is a protobuf-es method with rules. */
function inputSchema(method: MethodSpec): DescMessage | undefined {
  const schema = method.descriptor?.input;
  return schema && hasValidationRules(schema) ? schema : undefined;
}

/** An endpoint that checks each request message of `schema` before `next` sees it. */
function validating(schema: DescMessage, shared: SharedValidator, next: Endpoint): Endpoint {
  const check = (validator: Validator, ctx: CallContext, message: unknown): void => {
    const result = validator.validate(schema, message as Message);
    if (result.kind === "invalid") throw invalidArgument(result.violations, ctx.transport === "http" ? "json" : "proto");
    // A rule that cannot be compiled or evaluated is the contract's fault, not the caller's:
    // thrown as is, recovery turns it into INTERNAL and logs it.
    if (result.kind === "error") throw result.error;
  };
  const run: (validator: Validator, ctx: CallContext, input: unknown) => Promise<unknown> = (validator, ctx, input) => {
    if (streamsRequests(ctx.method)) return next(ctx, checkedStream(ctx, input as AsyncIterable<unknown>, (c, m) => check(validator, c, m)));
    check(validator, ctx, input);
    return next(ctx, input);
  };
  return (ctx, input) => {
    const validator = shared.ready;
    return validator ? run(validator, ctx, input) : shared.load().then((loaded) => run(loaded, ctx, input));
  };
}

/** The request stream, each message checked as it is read; a bad one ends the call. */
async function* checkedStream(ctx: CallContext, requests: AsyncIterable<unknown>, check: (ctx: CallContext, message: unknown) => void): AsyncGenerator<unknown> {
  for await (const request of requests) {
    check(ctx, request);
    yield request;
  }
}
