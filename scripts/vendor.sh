#!/usr/bin/env bash
# Re-fetch the vendored front-end files from the npm registry and check them against
# static/vendor/VERSIONS.txt. `--check` only verifies the committed copies (no network).
# The pins live in VERSIONS.txt: "file package version licence path-in-package sha256".
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
vendor="$root/static/vendor"
versions="$vendor/VERSIONS.txt"
mode="${1:-fetch}"

pins() { grep -v '^#' "$versions" | grep -v '^[[:space:]]*$'; }

status=0
if [ "$mode" = "--check" ]; then
    while read -r file package version _licence _path sha _sri; do
        actual="$(sha256sum "$vendor/$file" | cut -d' ' -f1)"
        if [ "$actual" != "$sha" ]; then
            echo "MISMATCH $file ($package@$version): expected $sha, got $actual" >&2
            status=1
        else
            echo "ok  $file  $package@$version"
        fi
    done < <(pins)
    exit $status
fi

command -v npm >/dev/null || { echo "npm is needed to re-fetch vendored files" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

while read -r file package version _licence path sha _sri; do
    (cd "$work" && npm pack --silent "$package@$version" >/dev/null)
    tarball="$work/${package//@/}-$version.tgz"
    mkdir -p "$work/$package"
    tar xzf "$tarball" -C "$work/$package"
    fetched="$work/$package/package/$path"
    actual="$(sha256sum "$fetched" | cut -d' ' -f1)"
    if [ "$actual" != "$sha" ]; then
        echo "MISMATCH $package@$version $path: expected $sha, got $actual (not copied)" >&2
        status=1
        continue
    fi
    cp "$fetched" "$vendor/$file"
    echo "ok  $file  $package@$version  sha256 $sha"
done < <(pins)
exit $status
