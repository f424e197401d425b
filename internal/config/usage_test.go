package config

import (
	"strings"
	"testing"
)

func TestUsageFeatures(t *testing.T) {
	cfg, err := loadString(t, "usage:\n  features: [idp.scaffolder, golden-path/create]\n")
	if err != nil || len(cfg.Usage.Features) != 2 {
		t.Fatalf("valid features: %v, %v", cfg.Usage.Features, err)
	}
	_, err = loadString(t, "usage:\n  features:\n    - idp.scaffolder\n    - \"Bad Name!\"\n")
	if err == nil || !strings.Contains(err.Error(), `:4: usage.features[1]: "Bad Name!" is not a feature name`) {
		t.Fatalf("err = %v, want the line and field of the bad name", err)
	}
}
