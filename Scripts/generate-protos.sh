#!/usr/bin/env bash
# Regenerates every committed file that comes from Protos/, with Debian's protoc:
#   - Swift messages and grpc-swift-2 stubs, with the two plugins built from the pinned
#     swift-protobuf and grpc-swift-protobuf (Tools/ProtocPlugins);
#   - the protoc-c build of Protos/maac (Sources/CContractsWire), the second, independent
#     protobuf implementation the wire-format contract tests compare swift-protobuf with.
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
#
# Only files whose content changed are rewritten, so an unchanged contract costs no rebuild.
# MAAC_PROTOC_PLUGINS may name a folder holding already built plugins (e.g. another worktree's
# Tools/ProtocPlugins/.build/release). Needs protoc, protoc-c and python3 with google.protobuf.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Each line: a folder of Protos/ (relative to Protos/) and the generated folder it fills.
MAPPINGS=(
  "maac Sources/MAACContracts/Generated"
  "grpc/health Sources/MAACContracts/Generated"
  "grpc/testing Sources/InteropTestingContracts/Generated"
)
SNAPSHOT="Tests/ContractsTests/Snapshot/maac.pb"
C_TARGET="Sources/CContractsWire"
C_FOLDERS=("$C_TARGET/include" "$C_TARGET/generated")

check=0
snapshot=0
case "${1:-}" in
  --check) check=1 ;;
  --snapshot) snapshot=1 ;;
  "") ;;
  *) echo "usage: $0 [--check | --snapshot]" >&2; exit 2 ;;
esac

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

# Everything is generated into $work first, then compared with (--check) or copied over the
# committed folders.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Writes the descriptor set of every Protos/maac file (sorted bytewise, like the tests) to $1.
write_descriptor_set() {
  local out="$1" maac_files
  mapfile -t maac_files < <(cd Protos && find maac -name '*.proto' | LC_ALL=C sort)
  (cd Protos && protoc -I. --include_imports --descriptor_set_out="$out" "${maac_files[@]}")
}

# Swift.
for mapping in "${MAPPINGS[@]}"; do
  read -r proto_dir target_dir <<<"$mapping"
  [ -d "Protos/$proto_dir" ] || continue
  out="$work/$target_dir"
  mkdir -p "$out"
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

# C (protoc-c 1.4 refuses proto3 `optional`; the rewrite keeps the wire format, see the helper).
write_descriptor_set "$work/maac.pb"
mapfile -t c_files < <(python3 Scripts/lib/proto3-optional-as-oneof.py "$work/maac.pb" "$work/c.pb")
mkdir -p "$work/c" "$work/$C_TARGET/include" "$work/$C_TARGET/generated"
protoc-c --descriptor_set_in="$work/c.pb" --c_out="$work/c" "${c_files[@]}"
(cd "$work/c" && find . -name '*.pb-c.h' | while read -r header; do
  mkdir -p "$work/$C_TARGET/include/$(dirname "$header")"
  mv "$header" "$work/$C_TARGET/include/$header"
done)
cp -R "$work/c/." "$work/$C_TARGET/generated/"

# The same descriptor set, embedded for the gateway's binary → JSON transcoder (it reads field
# names and types from it at start-up instead of decoding each reply into a generated message).
{
  echo "// DO NOT EDIT. Generated by Scripts/generate-protos.sh from Protos/maac."
  echo ""
  echo "/// The descriptor set of every Protos/maac file and its imports (\`protoc --include_imports"
  echo "/// --descriptor_set_out\`), base64-encoded."
  echo "public enum MAACDescriptorSet {"
  echo "  /// The serialized \`google.protobuf.FileDescriptorSet\`, base64-encoded."
  printf '  public static let base64 = "%s"\n' "$(base64 -w0 "$work/maac.pb")"
  echo "}"
} >"$work/Sources/MAACContracts/Generated/maac_descriptor_set.swift"

generated_folders=()
for mapping in "${MAPPINGS[@]}"; do
  read -r proto_dir target_dir <<<"$mapping"
  [ -d "Protos/$proto_dir" ] || continue
  case " ${generated_folders[*]:-} " in *" $target_dir "*) ;; *) generated_folders+=("$target_dir") ;; esac
done
generated_folders+=("${C_FOLDERS[@]}")

if [ "$check" = 1 ]; then
  status=0
  for folder in "${generated_folders[@]}"; do
    if ! diff -r "$ROOT/$folder" "$work/$folder" >/dev/null 2>&1; then
      echo "[generate] $folder is not what Scripts/generate-protos.sh generates; run it and commit" >&2
      diff -r "$ROOT/$folder" "$work/$folder" 2>&1 | head -40 >&2 || true
      status=1
    fi
  done
  if ! cmp -s "$work/maac.pb" "$ROOT/$SNAPSHOT"; then
    echo "[generate] $SNAPSHOT is not the descriptor set of Protos/maac; if the change is deliberate run Scripts/generate-protos.sh --snapshot and commit" >&2
    status=1
  fi
  exit "$status"
fi

# Copies $1 over $2, touching only files whose content differs and removing stale ones.
sync_folder() {
  local from="$1" to="$2" file
  mkdir -p "$to"
  while IFS= read -r file; do
    [ -e "$from/$file" ] || rm -f "$to/$file"
  done < <(cd "$to" && find . -type f)
  while IFS= read -r file; do
    if ! cmp -s "$from/$file" "$to/$file"; then
      mkdir -p "$(dirname "$to/$file")"
      cp "$from/$file" "$to/$file"
    fi
  done < <(cd "$from" && find . -type f)
  find "$to" -mindepth 1 -type d -empty -delete
}
for folder in "${generated_folders[@]}"; do
  sync_folder "$work/$folder" "$ROOT/$folder"
done
if [ "$snapshot" = 1 ]; then
  mkdir -p "$(dirname "$SNAPSHOT")"
  cp "$work/maac.pb" "$ROOT/$SNAPSHOT"
  echo "[generate] refreshed $SNAPSHOT" >&2
fi
echo "[generate] done" >&2
