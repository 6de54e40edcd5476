#!/usr/bin/env bash
# Validates the Bicep in infra/ offline: `bicep build` and `bicep lint` on infra/main.bicep, and
# checks that infra/main.parameters.example.json names only parameters main.bicep declares and
# gives every required one. Exits non-zero on any error or warning.
#
# Where the Bicep CLI comes from, first match wins:
#   1. $BICEP, if set (the path of a bicep executable);
#   2. the NuGet package Azure.Bicep.CommandLine.<rid> $BICEP_VERSION (default 0.49.2) in the
#      NuGet global packages folder: $NUGET_PACKAGES, else ~/.nuget/packages, at
#      azure.bicep.commandline.<rid>/<version>/tools/bicep (<rid> = linux-x64, linux-arm64,
#      osx-x64 or osx-arm64 for this machine);
#   3. `bicep` on PATH.
# It never downloads anything.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BICEP_VERSION="${BICEP_VERSION:-0.49.2}"
TEMPLATE="$HERE/main.bicep"
PARAMETERS="$HERE/main.parameters.example.json"

die() { printf 'infra/validate.sh: %s\n' "$*" >&2; exit 2; }

runtime_id() {
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) echo linux-x64 ;;
    Linux-aarch64 | Linux-arm64) echo linux-arm64 ;;
    Darwin-x86_64) echo osx-x64 ;;
    Darwin-arm64) echo osx-arm64 ;;
    *) echo unknown ;;
  esac
}

locate_bicep() {
  if [ -n "${BICEP:-}" ]; then
    [ -f "$BICEP" ] || die "BICEP=$BICEP does not exist"
    echo "$BICEP"
    return
  fi
  local packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
  local candidate="$packages/azure.bicep.commandline.$(runtime_id)/$BICEP_VERSION/tools/bicep"
  if [ -f "$candidate" ]; then
    echo "$candidate"
    return
  fi
  if command -v bicep >/dev/null 2>&1; then
    command -v bicep
    return
  fi
  die "no Bicep CLI: set BICEP, or restore NuGet package Azure.Bicep.CommandLine.$(runtime_id) $BICEP_VERSION (expected $candidate)"
}

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

BICEP_PATH="$(locate_bicep)"
# NuGet extracts the binary executable for its owner only; run a private copy if we cannot execute it.
if [ ! -x "$BICEP_PATH" ]; then
  cp "$BICEP_PATH" "$out/bicep" && chmod +x "$out/bicep"
  BICEP_PATH="$out/bicep"
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1
echo "Bicep CLI: $BICEP_PATH ($("$BICEP_PATH" --version 2>/dev/null | head -n 1))"

failed=0

# Runs one bicep command; fails on a non-zero exit or any Error/Warning diagnostic.
check() {
  local name="$1"
  shift
  local status=0
  "$BICEP_PATH" "$@" >"$out/$name.stdout" 2>"$out/$name.stderr" || status=$?
  local diagnostics
  diagnostics="$(grep -E ' : (Error|Warning) ' "$out/$name.stderr" "$out/$name.stdout" || true)"
  if [ "$status" -ne 0 ] || [ -n "$diagnostics" ]; then
    echo "FAIL  bicep $* (exit $status)"
    cat "$out/$name.stderr"
    failed=1
  else
    echo "ok    bicep $* (no errors, no warnings)"
  fi
}

check build build "$TEMPLATE" --outfile "$out/main.json"
check lint lint "$TEMPLATE"

# The example parameters must match the template's parameters.
if [ -f "$out/main.json" ] && command -v node >/dev/null 2>&1; then
  if node - "$out/main.json" "$PARAMETERS" <<'JS'
const fs = require('fs');
const template = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const example = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const declared = template.parameters || {};
const given = example.parameters || {};
const unknown = Object.keys(given).filter((name) => !(name in declared));
const missing = Object.keys(declared).filter((name) => !('defaultValue' in declared[name]) && !(name in given));
for (const name of unknown) console.log(`  main.parameters.example.json names '${name}', which main.bicep does not declare`);
for (const name of missing) console.log(`  main.parameters.example.json omits required parameter '${name}'`);
process.exit(unknown.length + missing.length === 0 ? 0 : 1);
JS
  then
    echo "ok    main.parameters.example.json matches main.bicep's parameters"
  else
    echo "FAIL  main.parameters.example.json does not match main.bicep's parameters"
    failed=1
  fi
else
  echo "skip  parameter file check (needs node and a successful build)"
fi

if [ "$failed" -ne 0 ]; then
  echo "infra/validate.sh: FAILED"
  exit 1
fi
echo "infra/validate.sh: all checks passed"
