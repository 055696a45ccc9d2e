#!/usr/bin/env bash
# Regenerates the protobuf-es code the runtime needs for google.rpc.{Status,Code,error details}
# into src/runtime/gen/. The output is checked in: the runtime must not depend on a code
# generation step at install time. Uses the buf binary and protoc-gen-es from node_modules so the
# result does not depend on what happens to be installed on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."

out=src/runtime/gen
# The template is inline so that nothing but this script describes the runtime's generation.
template='{"version":"v2","plugins":[{"local":"node_modules/.bin/protoc-gen-es","out":"'"$out"'","opt":["target=ts","import_extension=js"]}]}'

rm -rf "$out"
npx --no-install buf generate proto \
  --template "$template" \
  --path proto/google/rpc/status.proto \
  --path proto/google/rpc/error_details.proto \
  --path proto/google/rpc/code.proto
