/**
 * Versions of the npm packages a generated package depends on. Kept equal to gen-svc's own
 * dependencies (a test compares them), so generated code is built against what gen-svc tested.
 */
export const dependencyVersions = {
  "@bufbuild/protobuf": "^2.17.0",
  "@grpc/grpc-js": "^1.14.7",
} as const;

/** Development dependencies of a generated package. */
export const devDependencyVersions = {
  "@types/node": "^24.19.2",
  typescript: "^7.0.2",
} as const;
