// Your implementation of routeguide.v1.RouteGuide. gen-svc wrote this file once and will not
// overwrite it.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import type { CallContext } from "gen-svc/runtime";
import {
  FeatureSchema,
  type Feature,
  type Point,
  type Rectangle,
  type RouteNote,
  type RouteNoteSchema,
  type RouteSummarySchema,
} from "../gen/pb/routeguide/v1/route_guide_pb.js";
import type { RouteGuideService } from "../gen/route-guide/service.js";

const E7 = 1e7;
const EARTH_RADIUS_M = 6_371_000;

/** A few features so the sample answers something real (E7 coordinates). */
export function sampleFeatures(): Feature[] {
  return [
    { name: "Patriots Path, Mendham, NJ 07945, USA", location: { latitude: 407838351, longitude: -746143763 } },
    { name: "101 New Jersey 10, Whippany, NJ 07981, USA", location: { latitude: 408122808, longitude: -743999179 } },
    { name: "U.S. 6, Shohola, PA 18458, USA", location: { latitude: 413628156, longitude: -749015468 } },
    { name: "5 Conners Road, Kingston, NY 12401, USA", location: { latitude: 419999544, longitude: -740371136 } },
  ].map((init) => create(FeatureSchema, init));
}

/** Implements `routeguide.v1.RouteGuide` over an in-memory list of features. */
export class RouteGuideHandler implements RouteGuideService {
  readonly #features: readonly Feature[];
  // Notes left at each point, keyed by "lat,lng"; RouteChat answers with the earlier ones.
  readonly #notes = new Map<string, RouteNote[]>();

  constructor(features: readonly Feature[] = sampleFeatures()) {
    this.#features = features;
  }

  /**
   * Unary: the feature at a point, or a feature with an empty name when there is none.
   */
  async getFeature(request: Point, _ctx: CallContext): Promise<MessageInitShape<typeof FeatureSchema>> {
    return this.#featureAt(request) ?? { name: "", location: request };
  }

  /**
   * Server streaming: every feature inside a rectangle, streamed as they are found.
   */
  async *listFeatures(request: Rectangle, ctx: CallContext): AsyncIterable<Feature> {
    const lo = request.lo ?? { latitude: 0, longitude: 0 };
    const hi = request.hi ?? { latitude: 0, longitude: 0 };
    for (const feature of this.#features) {
      if (ctx.signal.aborted) return;
      if (feature.location && inside(feature.location, lo, hi)) yield feature;
    }
  }

  /**
   * Client streaming: takes the points of a route as they are traversed and answers with a
   * summary when the route ends.
   */
  async recordRoute(
    requests: AsyncIterable<Point>,
    _ctx: CallContext,
  ): Promise<MessageInitShape<typeof RouteSummarySchema>> {
    const started = Date.now();
    let pointCount = 0;
    let featureCount = 0;
    let distance = 0;
    let previous: Point | undefined;
    for await (const point of requests) {
      pointCount++;
      if (this.#featureAt(point)?.name) featureCount++;
      if (previous) distance += distanceMetres(previous, point);
      previous = point;
    }
    return { pointCount, featureCount, distance: Math.round(distance), elapsedTime: Math.round((Date.now() - started) / 1000) };
  }

  /**
   * Bidirectional streaming: sends notes while a route is traversed and receives, for each,
   * the notes other travellers left at the same point.
   */
  async *routeChat(
    requests: AsyncIterable<RouteNote>,
    _ctx: CallContext,
  ): AsyncIterable<MessageInitShape<typeof RouteNoteSchema>> {
    for await (const note of requests) {
      const key = pointKey(note.location);
      const earlier = this.#notes.get(key) ?? [];
      yield* earlier;
      this.#notes.set(key, [...earlier, note]);
    }
  }

  #featureAt(point: Point): Feature | undefined {
    return this.#features.find(
      (f) => f.location?.latitude === point.latitude && f.location?.longitude === point.longitude,
    );
  }
}

type LatLng = Pick<Point, "latitude" | "longitude">;

function inside(p: LatLng, lo: LatLng, hi: LatLng): boolean {
  const [south, north] = [Math.min(lo.latitude, hi.latitude), Math.max(lo.latitude, hi.latitude)];
  const [west, east] = [Math.min(lo.longitude, hi.longitude), Math.max(lo.longitude, hi.longitude)];
  return p.latitude >= south && p.latitude <= north && p.longitude >= west && p.longitude <= east;
}

function pointKey(point: LatLng | undefined): string {
  return `${point?.latitude ?? 0},${point?.longitude ?? 0}`;
}

/** Great-circle distance (haversine) between two E7 points, in metres. */
function distanceMetres(a: LatLng, b: LatLng): number {
  const rad = (e7: number) => ((e7 / E7) * Math.PI) / 180;
  const dLat = rad(b.latitude - a.latitude);
  const dLng = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(h));
}
