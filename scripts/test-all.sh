#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine, then runs the whole suite.
# Debian packages: protobuf-compiler (protoc, for the protoc-gen-svc plugin tests).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v protoc >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends protobuf-compiler >/dev/null
fi

# `npm install` rather than `npm ci`: the registry reachable here lacks @bufbuild/buf's macOS and
# Windows binaries, so the lock file cannot list them and `npm ci` refuses it as out of sync.
npm install --no-audit --no-fund
npm test
