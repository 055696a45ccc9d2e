// Your implementation of greeter.v1.Greeter. gen-svc wrote this file once and will not overwrite it.
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { CallContext } from "gen-svc/runtime";
import type { SayHelloRequest, SayHelloResponseSchema } from "../gen/pb/greeter/v1/greeter_pb.js";
import type { GreeterService } from "../gen/greeter/service.js";

/** Implements `greeter.v1.Greeter`. */
export class GreeterHandler implements GreeterService {
  /**
   * Answers with a greeting for the given name.
   */
  async sayHello(
    request: SayHelloRequest,
    _ctx: CallContext,
  ): Promise<MessageInitShape<typeof SayHelloResponseSchema>> {
    return { message: `Hello, ${request.name || "world"}!` };
  }
}
