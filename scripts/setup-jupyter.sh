#!/usr/bin/env bash
# Sets up the real Jupyter route for the notebooks: Jupyter's nbconvert/nbclient/ipykernel, the .NET
# Interactive kernel (Microsoft.dotnet-interactive 1.0.712001) and its kernel specs (.net-csharp, …).
# Idempotent: every step checks first and does nothing when already done; safe to run on every CI run.
#
# Where the kernel lives, and why: the tool is installed with --tool-path into artifacts/tools/ of this
# repository (ignored by git), not as a global tool, because step 3 patches a file inside it. A patched
# global tool would change the .NET Interactive of every other project of this user; a repository-local one
# changes nothing outside the clone and disappears with `rm -rf artifacts`. The kernel spec's argv therefore
# names the tool by absolute path (the stock spec runs `dotnet interactive`, which only finds global tools).
#
# The FSharp.Core fix (step 3): the tool ships FSharp.Core 10.0.0.0 and loads it at start-up; Plotly.NET 6
# (used by the notebooks' charts) is compiled against FSharp.Core 10.1.0.0, and .NET cannot load a second,
# newer FSharp.Core next to the one already loaded, so every chart cell fails with "Could not load file or
# assembly 'FSharp.Core, Version=10.1.0.0'". The tool's own code only needs 10.0, and 10.1 is a compatible
# superset, so the tool's copy is replaced by the same FSharp.Core 10.1.403 the library is built with
# (Directory.Packages.props). The patch is checked by content on every run: reinstalling the tool or a
# changed pin is picked up; an already patched tool is left alone.
#
# Usage: scripts/setup-jupyter.sh            (needs root or sudo for the apt step when packages are missing)
# Env:   GENREC_SKIP_APT=1  skip the apt step (e.g. when jupyter comes from conda: see environment.yml)
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"

interactive_version="1.0.712001"
fsharp_core_version="10.1.403"
tool_dir="$repo/artifacts/tools"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT=1

say() { echo "setup-jupyter: $*"; }

# The Python that runs Jupyter (a pyenv or venv python3 earlier on PATH may not see Debian's packages).
jupyter_python() {
  local shebang candidate
  shebang="$(head -n 1 "$(command -v jupyter 2>/dev/null || echo /dev/null)" 2>/dev/null | sed -n 's/^#! *//p')"
  for candidate in "${shebang% *}" "${shebang#*env }" /usr/bin/python3 python3; do
    [ -n "$candidate" ] && "$candidate" -c "import nbclient, ipykernel, jupyter_client" 2>/dev/null && { echo "$candidate"; return 0; }
  done
  return 1
}

# 1. Jupyter (Debian packages). A conda environment that already provides `jupyter nbconvert` and ipykernel
#    is used as is.
if [ "${GENREC_SKIP_APT:-0}" != "1" ]; then
  missing=()
  for package in jupyter-nbconvert python3-nbclient python3-ipykernel; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    if command -v jupyter >/dev/null && jupyter nbconvert --version >/dev/null 2>&1 && jupyter_python >/dev/null; then
      say "jupyter nbconvert and nbclient found outside apt; skipping apt (${missing[*]})"
    else
      sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
      say "installing ${missing[*]} with apt-get"
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || { $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
    fi
  fi
fi
command -v jupyter >/dev/null || { echo "setup-jupyter: error: 'jupyter' is not on PATH after the install step." >&2; exit 1; }
python="$(jupyter_python)" || { echo "setup-jupyter: error: no Python with nbclient, ipykernel and jupyter_client found for $(command -v jupyter)." >&2; exit 1; }

# 2. The .NET Interactive tool, repository-local.
tool="$tool_dir/dotnet-interactive"
installed="$( (dotnet tool list --tool-path "$tool_dir" 2>/dev/null || true) | awk '$1 == "microsoft.dotnet-interactive" {print $2}')"
if [ "$installed" != "$interactive_version" ]; then
  [ -z "$installed" ] || dotnet tool uninstall --tool-path "$tool_dir" microsoft.dotnet-interactive >/dev/null
  say "installing Microsoft.dotnet-interactive $interactive_version into artifacts/tools"
  dotnet tool install --tool-path "$tool_dir" Microsoft.dotnet-interactive --version "$interactive_version" >/dev/null
fi
app_dir="$(dirname "$(find "$tool_dir/.store/microsoft.dotnet-interactive/$interactive_version" -name Microsoft.DotNet.Interactive.App.dll -path '*/tools/*' | head -n 1)")"
[ -f "$app_dir/FSharp.Core.dll" ] || { echo "setup-jupyter: error: FSharp.Core.dll not found in the tool ($app_dir)." >&2; exit 1; }

# 3. FSharp.Core 10.1 into the tool (see the header). The package comes from the NuGet cache, where the
#    library's own restore puts it; restore the library first when it is not there yet.
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
fsharp_lib="$packages/fsharp.core/$fsharp_core_version/lib/netstandard2.1"
if [ ! -f "$fsharp_lib/FSharp.Core.dll" ]; then
  say "FSharp.Core $fsharp_core_version not in the NuGet cache; restoring lib/GenRec"
  dotnet restore lib/GenRec/GenRec.csproj >/dev/null
fi
[ -f "$fsharp_lib/FSharp.Core.dll" ] || { echo "setup-jupyter: error: $fsharp_lib/FSharp.Core.dll is missing after restore." >&2; exit 1; }
if cmp -s "$fsharp_lib/FSharp.Core.dll" "$app_dir/FSharp.Core.dll"; then
  say "FSharp.Core $fsharp_core_version already in the tool"
else
  say "replacing the tool's FSharp.Core with $fsharp_core_version"
  cp -f "$fsharp_lib/FSharp.Core.dll" "$app_dir/FSharp.Core.dll"
  [ -f "$fsharp_lib/FSharp.Core.xml" ] && cp -f "$fsharp_lib/FSharp.Core.xml" "$app_dir/FSharp.Core.xml"
  # Localised messages must come from the same build as the assembly.
  for satellite in "$fsharp_lib"/*/FSharp.Core.resources.dll; do
    culture="$(basename "$(dirname "$satellite")")"
    [ -d "$app_dir/$culture" ] && cp -f "$satellite" "$app_dir/$culture/FSharp.Core.resources.dll"
  done
fi

"$tool" --version >/dev/null 2>&1 || { echo "setup-jupyter: error: $tool does not start after the FSharp.Core patch; delete artifacts/tools and rerun." >&2; exit 1; }

# 4. Kernel specs (.net-csharp, .net-fsharp, .net-powershell) pointing at the tool by absolute path,
#    telemetry off so running a notebook makes no network call of its own. Written twice: into this
#    checkout's artifacts/jupyter/kernels, which `genrec notebooks`, the tests and .ci/run put first on
#    JUPYTER_PATH (so they always run this checkout's kernel), and for this user, so VS Code and JupyterLab
#    list the kernel (there the checkout set up last wins).
specs="$(mktemp -d)"
trap 'rm -rf "$specs"' EXIT
"$tool" jupyter install --path "$specs" >/dev/null
for spec in "$specs"/.net-*; do
  "$python" - "$spec/kernel.json" "$tool" <<'PY'
import json, sys
path, tool = sys.argv[1], sys.argv[2]
spec = json.load(open(path))
argv = spec["argv"]
if argv[:2] == ["dotnet", "interactive"]:
    spec["argv"] = [tool] + argv[2:]
spec.setdefault("env", {}).update({"DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT": "1", "DOTNET_CLI_TELEMETRY_OPTOUT": "1", "DOTNET_NOLOGO": "1"})
json.dump(spec, open(path, "w"), indent=2)
PY
done
local_kernels="$repo/artifacts/jupyter/kernels"
mkdir -p "$local_kernels"
for spec in "$specs"/.net-*; do
  rm -rf "$local_kernels/$(basename "$spec")"
  cp -r "$spec" "$local_kernels/"
done
# jupyter_client's API rather than `jupyter kernelspec` (Debian's nbclient does not bring that command).
"$python" - "$specs" <<'PY'
import os, sys
from jupyter_client.kernelspec import KernelSpecManager, find_kernel_specs
manager = KernelSpecManager()
for name in sorted(os.listdir(sys.argv[1])):
    if name.startswith(".net-"):
        manager.install_kernel_spec(os.path.join(sys.argv[1], name), kernel_name=name, user=True)
found = {k: v for k, v in find_kernel_specs().items() if k.startswith(".net-")}
print("setup-jupyter: kernel specs for this user " + ", ".join(f"{k} ({v})" for k, v in sorted(found.items())))
PY
say "kernel specs for this checkout in artifacts/jupyter/kernels (put first on JUPYTER_PATH by genrec notebooks and .ci/run)"
say "ready; kernel = $tool"
