// Your implementation of routeguide.v1.RouteGuide. gen-svc wrote this file once and will not overwrite it.
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ServiceError, type CallContext } from "gen-svc/runtime";
import type {
  FeatureSchema,
  Point,
  Rectangle,
  RouteNote,
  RouteNoteSchema,
  RouteSummarySchema,
} from "../gen/pb/routeguide/v1/route_guide_pb.js";
import type { RouteGuideService } from "../gen/route-guide/service.js";

/** Implements `routeguide.v1.RouteGuide`. Methods answer UNIMPLEMENTED until you write them. */
export class RouteGuideHandler implements RouteGuideService {
  /**
   * Unary: the feature at a point, or a feature with an empty name when there is none.
   */
  async getFeature(
    request: Point,
    ctx: CallContext,
  ): Promise<MessageInitShape<typeof FeatureSchema>> {
    throw new ServiceError(
      Code.UNIMPLEMENTED,
      "routeguide.v1.RouteGuide.GetFeature is not implemented yet",
    );
  }

  /**
   * Server streaming: every feature inside a rectangle, streamed as they are found.
   */
  async *listFeatures(
    request: Rectangle,
    ctx: CallContext,
  ): AsyncIterable<MessageInitShape<typeof FeatureSchema>> {
    throw new ServiceError(
      Code.UNIMPLEMENTED,
      "routeguide.v1.RouteGuide.ListFeatures is not implemented yet",
    );
  }

  /**
   * Client streaming: takes the points of a route as they are traversed and answers with a
   * summary when the route ends.
   */
  async recordRoute(
    requests: AsyncIterable<Point>,
    ctx: CallContext,
  ): Promise<MessageInitShape<typeof RouteSummarySchema>> {
    throw new ServiceError(
      Code.UNIMPLEMENTED,
      "routeguide.v1.RouteGuide.RecordRoute is not implemented yet",
    );
  }

  /**
   * Bidirectional streaming: sends notes while a route is traversed and receives, for each,
   * the notes other travellers left at the same point.
   */
  async *routeChat(
    requests: AsyncIterable<RouteNote>,
    ctx: CallContext,
  ): AsyncIterable<MessageInitShape<typeof RouteNoteSchema>> {
    throw new ServiceError(
      Code.UNIMPLEMENTED,
      "routeguide.v1.RouteGuide.RouteChat is not implemented yet",
    );
  }
}
