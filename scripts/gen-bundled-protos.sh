#!/usr/bin/env bash
# Regenerates the protobuf-es code gen-svc itself needs from its bundled protos, with the buf
# binary and protoc-gen-es from node_modules (not whatever the machine has):
#   src/model/gen/    gen-svc's options and google.api.http, read by the model;
#   src/runtime/gen/  google.api.{http,HttpBody}, google.rpc.{Status,Code,error details}, grpc.health.v1 and
#                     grpc.reflection.{v1,v1alpha}, used by the runtime.
# The output is checked in: nothing depends on a code generation step at install time. The
# runtime gets its own copy because it never imports generator code.
set -euo pipefail
cd "$(dirname "$0")/.."

# generate <out dir> <proto path>...
generate() {
  local out=$1
  shift
  local template='{"version":"v2","plugins":[{"local":"node_modules/.bin/protoc-gen-es","out":"'"$out"'","opt":["target=ts","import_extension=js"]}]}'
  local paths=()
  for path in "$@"; do paths+=(--path "proto/$path"); done
  rm -rf "$out"
  npx --no-install buf generate proto --template "$template" "${paths[@]}"
}

generate src/model/gen gensvc google/api/annotations.proto google/api/http.proto
generate src/runtime/gen google/api/annotations.proto google/api/http.proto google/api/httpbody.proto google/rpc/status.proto google/rpc/error_details.proto google/rpc/code.proto \
  grpc/health/v1/health.proto grpc/reflection/v1/reflection.proto grpc/reflection/v1alpha/reflection.proto
