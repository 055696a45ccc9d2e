/**
 * The run-time settings documented in a generated package's README. They mirror the settings
 * table exported by the runtime's config module (a test keeps the two equal); the generator does
 * not import the runtime, which stands apart.
 */

/** One documented setting. */
export interface SettingDoc {
  name: string;
  env: string;
  flag: string;
  default: string;
  description: string;
}

/** The settings of `loadServerConfig`, in README order. */
export const serverSettings: readonly SettingDoc[] = [
  { name: "Host", env: "HOST", flag: "--host", default: "0.0.0.0", description: "Interface to listen on (0.0.0.0 for all IPv4 interfaces, :: for all interfaces)." },
  { name: "gRPC port", env: "GRPC_PORT", flag: "--grpc-port", default: "50051", description: "Port of the gRPC server; 0 picks a free port." },
  {
    name: "Grace period",
    env: "GRACE_PERIOD_MS",
    flag: "--grace-period-ms",
    default: "10000",
    description: "Milliseconds shutdown waits for calls in flight before cancelling them.",
  },
];
