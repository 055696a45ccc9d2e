#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine, then runs the whole suite.
# Debian packages: protobuf-compiler (protoc, for the protoc-gen-svc plugin tests) and prometheus
# (a real scraper for test/lifecycle/prometheus.test.ts) and etcd-server (a real etcd for
# test/registry/etcd.test.ts); podman, buildah, runc, debootstrap and docker-compose (the deploy
# tests in test/deploy/ build and run a sample's image and check compose files offline);
# nghttp2-client, wrk and time for the benchmark smoke test.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v etcd >/dev/null 2>&1 || missing+=(etcd-server)
# `ip` brings up loopback inside the private network namespace of the mDNS tests.
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
for tool in podman buildah runc debootstrap docker-compose; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
# The benchmark smoke test (test/bench) loads servers with h2load and wrk and times generation
# with GNU time.
command -v h2load >/dev/null 2>&1 || missing+=(nghttp2-client)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# `npm install` rather than `npm ci`: the registry reachable here lacks @bufbuild/buf's macOS and
# Windows binaries, so the lock file cannot list them and `npm ci` refuses it as out of sync.
npm install --no-audit --no-fund
npm test
