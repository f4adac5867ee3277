#!/usr/bin/env bash
# Regenerates every committed Swift file that comes from Protos/, with Debian's protoc and the
# two plugins built from the pinned swift-protobuf and grpc-swift-protobuf (Tools/ProtocPlugins).
#
#   Scripts/generate-protos.sh             rewrite the generated folders
#   Scripts/generate-protos.sh --check     fail (exit 1) when the committed code or the
#                                          compatibility snapshot is not current
#   Scripts/generate-protos.sh --snapshot  also rewrite the compatibility snapshot
#
# The compatibility snapshot (Tests/ContractsTests/Snapshot/maac.pb) is the descriptor set of
# Protos/maac as last committed; ContractsTests fail when the protos break it (a field number
# reused or retyped, a field, value or RPC removed without `reserved`, a package renamed...).
# Changing a contract deliberately means running --snapshot and committing the new snapshot in
# the same commit. --check also fails when the snapshot lags behind additions, so that the
# next change is judged against everything that was published.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Each line: a folder of Protos/ (relative to Protos/) and the generated folder it fills.
MAPPINGS=(
  "maac Sources/MAACContracts/Generated"
  "grpc/health Sources/MAACContracts/Generated"
  "grpc/testing Sources/InteropTestingContracts/Generated"
)

check=0
snapshot=0
case "${1:-}" in
  --check) check=1 ;;
  --snapshot) snapshot=1 ;;
  "") ;;
  *) echo "usage: $0 [--check | --snapshot]" >&2; exit 2 ;;
esac
SNAPSHOT="Tests/ContractsTests/Snapshot/maac.pb"
# The second, independent implementation of the wire format for the contract tests: protoc-c
# output (C, linked with libprotobuf-c) of every Protos/maac file and the well-known types.
C_TARGET="Sources/CContractsWire"

# Writes the descriptor set of every Protos/maac file (sorted bytewise, like the tests) to $1.
write_descriptor_set() {
  local out="$1"
  mapfile -t maac_files < <(cd Protos && find maac -name '*.proto' | LC_ALL=C sort)
  (cd Protos && protoc -I. --include_imports --descriptor_set_out="$out" "${maac_files[@]}")
}

plugins="$ROOT/Tools/ProtocPlugins"
# MAAC_PROTOC_PLUGINS may name a folder holding already built plugins (e.g. another worktree's
# Tools/ProtocPlugins/.build/release), which saves building them once per worktree.
MAAC_PROTOC_PLUGINS="${MAAC_PROTOC_PLUGINS:-${MAAC_PROTOC_PLUGIN_DIR:-}}"
if [ -n "${MAAC_PROTOC_PLUGINS:-}" ]; then
  plugin_bin="$MAAC_PROTOC_PLUGINS"
else
  plugin_bin="$(swift build --package-path "$plugins" -c release --show-bin-path)"
fi
if [ ! -x "$plugin_bin/protoc-gen-swift" ] || [ ! -x "$plugin_bin/protoc-gen-grpc-swift-2" ]; then
  echo "[generate] building protoc plugins (once)" >&2
  swift build --package-path "$plugins" -c release --product protoc-gen-swift >&2
  swift build --package-path "$plugins" -c release --product protoc-gen-grpc-swift-2 >&2
fi

out_root="$ROOT"
if [ "$check" = 1 ]; then
  out_root="$(mktemp -d)"
  trap 'rm -rf "$out_root"' EXIT
fi

declare -A cleaned=()
for mapping in "${MAPPINGS[@]}"; do
  read -r proto_dir target_dir <<<"$mapping"
  [ -d "Protos/$proto_dir" ] || continue
  out="$out_root/$target_dir"
  if [ -z "${cleaned[$out]:-}" ]; then
    rm -rf "$out"
    mkdir -p "$out"
    cleaned[$out]=1
  fi
  mapfile -t files < <(cd Protos && find "$proto_dir" -name '*.proto' | LC_ALL=C sort)
  [ "${#files[@]}" -gt 0 ] || continue
  (cd Protos && protoc \
    --plugin=protoc-gen-swift="$plugin_bin/protoc-gen-swift" \
    --plugin=protoc-gen-grpc-swift-2="$plugin_bin/protoc-gen-grpc-swift-2" \
    --swift_out="$out" \
    --swift_opt=Visibility=Public,FileNaming=PathToUnderscores \
    --grpc-swift-2_out="$out" \
    --grpc-swift-2_opt=Visibility=Public,FileNaming=PathToUnderscores,Server=true,Client=true \
    "${files[@]}")
done

# Regenerates the protoc-c code into $1/include (headers) and $1/generated (sources).
generate_c() {
  local out="$1" work
  work="$(mktemp -d)"
  write_descriptor_set "$work/all.pb"
  mapfile -t c_files < <(python3 Scripts/lib/proto3-optional-as-oneof.py "$work/all.pb" "$work/c.pb")
  mkdir -p "$work/gen"
  protoc-c --descriptor_set_in="$work/c.pb" --c_out="$work/gen" "${c_files[@]}"
  rm -rf "$out/include" "$out/generated"
  mkdir -p "$out/include" "$out/generated"
  (cd "$work/gen" && find . -name '*.pb-c.h' | LC_ALL=C sort | while read -r header; do
    mkdir -p "$out/include/$(dirname "$header")"
    mv "$header" "$out/include/$header"
  done)
  cp -R "$work/gen/." "$out/generated/"
  rm -rf "$work"
}
generate_c "$out_root/$C_TARGET"

if [ "$check" = 1 ]; then
  status=0
  for c_dir in include generated; do
    if ! diff -r "$ROOT/$C_TARGET/$c_dir" "$out_root/$C_TARGET/$c_dir" >/dev/null 2>&1; then
      echo "[generate] $C_TARGET/$c_dir is not what Scripts/generate-protos.sh generates; run it and commit" >&2
      status=1
    fi
  done
  write_descriptor_set "$out_root/snapshot.pb"
  if ! cmp -s "$out_root/snapshot.pb" "$ROOT/$SNAPSHOT"; then
    echo "[generate] $SNAPSHOT is not the descriptor set of Protos/maac; if the change is deliberate run Scripts/generate-protos.sh --snapshot and commit" >&2
    status=1
  fi
  for mapping in "${MAPPINGS[@]}"; do
    read -r _ target_dir <<<"$mapping"
    [ -d "$out_root/$target_dir" ] || continue
    if ! diff -r "$ROOT/$target_dir" "$out_root/$target_dir" >/dev/null 2>&1; then
      echo "[generate] $target_dir is not what Scripts/generate-protos.sh generates; run it and commit" >&2
      diff -r "$ROOT/$target_dir" "$out_root/$target_dir" | head -40 >&2 || true
      status=1
    fi
  done
  exit "$status"
fi
if [ "$snapshot" = 1 ]; then
  mkdir -p "$(dirname "$SNAPSHOT")"
  write_descriptor_set "$ROOT/$SNAPSHOT"
  echo "[generate] refreshed $SNAPSHOT" >&2
fi
echo "[generate] done" >&2
