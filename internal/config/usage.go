package config

import (
	"fmt"
	"strings"

	"github.com/paved-dev/paved/internal/slug"
)

// maxFeatureLen bounds a feature name, as the usage API does.
const maxFeatureLen = 100

// Usage configures platform feature usage.
type Usage struct {
	// Features are features used outside paved (an IDP's scaffolder, a
	// plugin) that the Usage page should list as unused when nobody uses
	// them; paved already knows its own pages and commands. Names use
	// lower-case letters, digits and . _ - /, e.g. idp.scaffolder.
	Features []string `yaml:"features"`
}

func (v *validator) usage(c Config) {
	for i, f := range c.Usage.Features {
		if n := strings.ToLower(strings.TrimSpace(f)); len(n) > maxFeatureLen || !slug.ValidDotted(n) {
			v.add(fmt.Sprintf("usage.features[%d]", i), "%q is not a feature name: use %s, at most %d characters (e.g. idp.scaffolder)", f, slug.DottedRule, maxFeatureLen)
		}
	}
}
