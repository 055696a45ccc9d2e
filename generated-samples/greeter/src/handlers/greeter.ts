// Your implementation of greeter.v1.Greeter. gen-svc wrote this file once and will not overwrite it.
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ServiceError, type CallContext } from "gen-svc/runtime";
import type { SayHelloRequest, SayHelloResponseSchema } from "../gen/pb/greeter/v1/greeter_pb.js";
import type { GreeterService } from "../gen/greeter/service.js";

/** Implements `greeter.v1.Greeter`. Methods answer UNIMPLEMENTED until you write them. */
export class GreeterHandler implements GreeterService {
  /**
   * Answers with a greeting for the given name.
   */
  async sayHello(
    request: SayHelloRequest,
    ctx: CallContext,
  ): Promise<MessageInitShape<typeof SayHelloResponseSchema>> {
    throw new ServiceError(
      Code.UNIMPLEMENTED,
      "greeter.v1.Greeter.SayHello is not implemented yet",
    );
  }
}
