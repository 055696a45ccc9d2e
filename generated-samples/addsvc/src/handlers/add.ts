// Your implementation of addsvc.v1.Add. gen-svc wrote this file once and will not overwrite it.
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ServiceError, type CallContext } from "gen-svc/runtime";
import type {
  ConcatRequest,
  ConcatResponseSchema,
  SumRequest,
  SumResponseSchema,
} from "../gen/pb/addsvc/v1/addsvc_pb.js";
import type { AddService } from "../gen/add/service.js";

/** Implements `addsvc.v1.Add`. Methods answer UNIMPLEMENTED until you write them. */
export class AddHandler implements AddService {
  /**
   * Sums two integers. Summing two zeroes is refused (TWO_ZEROES), and so is a sum that does not
   * fit in an int64 (INT_OVERFLOW).
   */
  async sum(
    request: SumRequest,
    ctx: CallContext,
  ): Promise<MessageInitShape<typeof SumResponseSchema>> {
    throw new ServiceError(Code.UNIMPLEMENTED, "addsvc.v1.Add.Sum is not implemented yet");
  }

  /**
   * Concatenates two strings; the result may hold at most 1024 characters (MAX_SIZE_EXCEEDED).
   */
  async concat(
    request: ConcatRequest,
    ctx: CallContext,
  ): Promise<MessageInitShape<typeof ConcatResponseSchema>> {
    throw new ServiceError(Code.UNIMPLEMENTED, "addsvc.v1.Add.Concat is not implemented yet");
  }
}
