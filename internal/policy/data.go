package policy

import (
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
)

// Data builds data.paved for the engine: the settings policies read from
// paved.yaml and, when a catalog is known, its teams. snap may be nil.
func Data(cfg config.Config, snap *catalog.Snapshot) map[string]any {
	own := cfg.Ownership
	aliases := func(m map[string]string) map[string]any {
		out := make(map[string]any, len(m))
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	strs := func(s []string) []any {
		out := make([]any, len(s))
		for i, v := range s {
			out[i] = v
		}
		return out
	}
	data := map[string]any{
		"config": map[string]any{
			"allowed_registries": strs(cfg.PolicySettings.AllowedRegistries),
			"ownership": map[string]any{
				"team_keys":        strs(own.TeamKeys),
				"service_keys":     strs(own.ServiceKeys),
				"environment_keys": strs(own.EnvironmentKeys),
				"aliases": map[string]any{
					"team":        aliases(own.Aliases.Team),
					"service":     aliases(own.Aliases.Service),
					"environment": aliases(own.Aliases.Environment),
				},
			},
		},
		"catalog": map[string]any{"available": false, "teams": map[string]any{}},
	}
	if snap != nil {
		teams := make(map[string]any, len(snap.Teams))
		for _, t := range snap.Teams {
			teams[t.Name] = true
		}
		data["catalog"] = map[string]any{"available": true, "teams": teams}
	}
	return data
}
