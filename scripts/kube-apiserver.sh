#!/usr/bin/env bash
# Builds kube-apiserver from the Go module proxy for the admission suite
# (internal/kubetest) and prints the binary's path. Kubernetes
# publishes no Go-installable kube-apiserver: k8s.io/kubernetes requires
# its staging modules at v0.0.0, so a throwaway module requires
# k8s.io/kubernetes and replaces every k8s.io/<staging> module it lists
# with the matching published v0.x release. About 4 minutes on 2 cores;
# the binary is cached outside the repository.
#
#   scripts/kube-apiserver.sh            # prints e.g. ~/.cache/paved/kube-apiserver-v1.37.2
set -euo pipefail
K8S_VERSION=${K8S_VERSION:-v1.37.2}
STAGING_VERSION="v0.${K8S_VERSION#v1.}"
cache=${PAVED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/paved}
bin="$cache/kube-apiserver-$K8S_VERSION"
# A binary built before the version was stamped reports v0.0.0-master, which
# clients that check the server version (helm's kubeVersion) reject: rebuild.
if [ -x "$bin" ] && [ "$("$bin" --version 2>/dev/null)" = "Kubernetes $K8S_VERSION" ]; then
  echo "$bin"
  exit 0
fi
mkdir -p "$cache"
work=$(mktemp -d)
trap 'rm -rf "$work" "$bin.tmp.$$"' EXIT
cd "$work"
go mod init paved.local/kube-apiserver >/dev/null 2>&1
# The staging modules are the k8s.io requirements pinned at v0.0.0 in
# k8s.io/kubernetes' own go.mod.
modfile=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",/\1/p')
staging=$(awk '/^\tk8s.io\/[a-z-]+ v0.0.0$/ {print $1}' "$modfile" | sort -u)
[ -n "$staging" ] || { echo "no staging modules found in $modfile" >&2; exit 1; }
args=("-require=k8s.io/kubernetes@$K8S_VERSION")
for m in $staging; do
  args+=("-replace=$m=$m@$STAGING_VERSION")
done
go mod edit "${args[@]}"
cat > main.go <<'GO'
package main

import _ "k8s.io/kubernetes/cmd/kube-apiserver/app"

func main() {}
GO
go mod tidy >/dev/null 2>&1 || true
# Kubernetes' release builds stamp the version with -X (hack/lib/version.sh);
# without it the server reports v0.0.0-master+$Format:%H$ from /version.
minor=${K8S_VERSION#v1.}
minor=${minor%%.*}
ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done
# Built next to its final name and renamed, so that a concurrent run never
# sees a half-written binary.
go build -ldflags="$ldflags" -o "$bin.tmp.$$" k8s.io/kubernetes/cmd/kube-apiserver >&2
mv -f "$bin.tmp.$$" "$bin"
echo "$bin"
