#!/usr/bin/env bash
# Regenerates the protobuf-es code the model reads options with (gen-svc's own options and
# google.api.http) into src/model/gen/. The output is checked in: the generator must not depend on
# a code generation step at install time. Uses the buf binary and protoc-gen-es from node_modules
# so the result does not depend on what happens to be installed on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."

out=src/model/gen
# The template is inline so that nothing but this script describes the model's generation.
template='{"version":"v2","plugins":[{"local":"node_modules/.bin/protoc-gen-es","out":"'"$out"'","opt":["target=ts","import_extension=js"]}]}'

rm -rf "$out"
npx --no-install buf generate proto \
  --template "$template" \
  --path proto/gensvc \
  --path proto/google/api/annotations.proto \
  --path proto/google/api/http.proto
