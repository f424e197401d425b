// Package catalogtest generates catalogs of any size for benchmarks, shared
// by the Go benchmarks and the scripts in bench/.
package catalogtest

import (
	"fmt"
	"io"
)

// WriteBackstage writes n Components owned by n/10 Groups (at least one)
// as one multi-document catalog-info file, the shape of a large Backstage
// export, with paved's namespace and cloud-account annotations.
func WriteBackstage(w io.Writer, n int) error {
	teams := max(n/10, 1)
	for i := 0; i < teams; i++ {
		if _, err := fmt.Fprintf(w, "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-%d\nspec:\n  type: team\n  profile:\n    displayName: Team %d\n    email: team-%d@example.com\n---\n", i, i, i); err != nil {
			return err
		}
	}
	for i := 0; i < n; i++ {
		team := i % teams
		if _, err := fmt.Fprintf(w, `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: svc-%d
  description: Service number %d.
  annotations:
    github.com/project-slug: example/svc-%d
    paved.dev/namespaces: "svc-%d-dev=dev, svc-%d-prod=prod"
    paved.dev/cloud-accounts: "aws:%012d=prod"
spec:
  type: service
  lifecycle: production
  owner: group:default/team-%d
---
`, i, i, i, i, i, 100000000000+team, team); err != nil {
			return err
		}
	}
	return nil
}
