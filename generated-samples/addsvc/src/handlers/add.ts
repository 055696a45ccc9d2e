// Your implementation of addsvc.v1.Add. gen-svc wrote this file once and will not overwrite it.
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ErrorInfoSchema, ServiceError, packDetail, type CallContext } from "gen-svc/runtime";
import type {
  ConcatRequest,
  ConcatResponseSchema,
  SumRequest,
  SumResponseSchema,
} from "../gen/pb/addsvc/v1/addsvc_pb.js";
import type { AddService } from "../gen/add/service.js";

/** The error domain of addsvc's business errors (google.rpc.ErrorInfo.domain). */
export const ERROR_DOMAIN = "addsvc.v1";

/** The longest string Concat returns, as in Go kit's addsvc. */
export const MAX_CONCAT_LENGTH = 1024;

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** A business error: a status code plus an ErrorInfo detail with a stable reason. */
function businessError(code: Code, reason: string, message: string): ServiceError {
  return new ServiceError(code, message, {
    details: [packDetail(ErrorInfoSchema, { reason, domain: ERROR_DOMAIN })],
  });
}

/** Implements `addsvc.v1.Add`. */
export class AddHandler implements AddService {
  /**
   * Sums two integers. Summing two zeroes is refused (TWO_ZEROES), and so is a sum that does not
   * fit in an int64 (INT_OVERFLOW).
   */
  async sum(request: SumRequest, _ctx: CallContext): Promise<MessageInitShape<typeof SumResponseSchema>> {
    if (request.a === 0n && request.b === 0n) {
      throw businessError(Code.INVALID_ARGUMENT, "TWO_ZEROES", "can't sum two zeroes");
    }
    const v = request.a + request.b;
    if (v > INT64_MAX || v < INT64_MIN) {
      throw businessError(Code.OUT_OF_RANGE, "INT_OVERFLOW", "integer overflow");
    }
    return { v };
  }

  /**
   * Concatenates two strings; the result may hold at most 1024 characters (MAX_SIZE_EXCEEDED).
   */
  async concat(
    request: ConcatRequest,
    _ctx: CallContext,
  ): Promise<MessageInitShape<typeof ConcatResponseSchema>> {
    const v = request.a + request.b;
    if ([...v].length > MAX_CONCAT_LENGTH) {
      throw businessError(Code.INVALID_ARGUMENT, "MAX_SIZE_EXCEEDED", "result exceeds maximum size");
    }
    return { v };
  }
}
