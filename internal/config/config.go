// Package config defines paved.yaml: its schema, defaults, loading with
// PAVED_* environment overrides, and validation that reports every problem
// with file:line and the values that would be valid.
//
// Later capabilities add their own top-level sections here, each a struct
// field with a yaml tag, so that unknown keys keep being rejected.
package config

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/paved-dev/paved/internal/yamlfile"
	"go.yaml.in/yaml/v3"
)

// Config is the whole of paved.yaml.
type Config struct {
	Server       Server        `yaml:"server"`
	DataDir      string        `yaml:"data_dir"`
	DatabaseURL  string        `yaml:"database_url"`
	Log          Log           `yaml:"log"`
	Environments []Environment `yaml:"environments"`
	Ownership    Ownership     `yaml:"ownership"`

	// Policies maps a policy or set id to its rollout.
	Policies       map[string]PolicyRollout `yaml:"policies"`
	PolicySettings PolicySettings           `yaml:"policy_settings"`
	Exceptions     []PolicyException        `yaml:"exceptions"`

	Admission Admission `yaml:"admission"`
	Cost      Cost      `yaml:"cost"`
	Delivery  Delivery  `yaml:"delivery"`
	Surveys   Surveys   `yaml:"surveys"`
	Usage     Usage     `yaml:"usage"`

	// File is where the configuration was read from ("" for defaults only).
	File string `yaml:"-"`
	// root is the parsed file, kept so that checks made later (a policy id
	// that no loaded policy has) can still point at the line.
	root *yaml.Node
}

// Server configures `paved serve`.
type Server struct {
	Addr string `yaml:"addr"`
	// MaxBodyBytes caps every request body; larger bodies get 413.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// TLSCert and TLSKey serve HTTPS when both are set.
	TLSCert string `yaml:"tls_cert"`
	TLSKey  string `yaml:"tls_key"`
	// SessionHours is how long a UI sign-in lasts.
	SessionHours int `yaml:"session_hours"`
}

// Log configures structured logging.
type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // text, json
}

// Environment is one deployment environment.
type Environment struct {
	Name       string `yaml:"name"`
	Production bool   `yaml:"production"`
}

// Ownership names the label and tag keys that carry ownership, in order of
// preference, and aliases that map raw values onto catalog names.
type Ownership struct {
	TeamKeys        []string `yaml:"team_keys"`
	ServiceKeys     []string `yaml:"service_keys"`
	EnvironmentKeys []string `yaml:"environment_keys"`
	Aliases         Aliases  `yaml:"aliases"`
}

// Aliases map raw (already normalised) values onto canonical names, e.g.
// team "payments-squad" → "payments", environment "production" → "prod".
type Aliases struct {
	Team        map[string]string `yaml:"team"`
	Service     map[string]string `yaml:"service"`
	Environment map[string]string `yaml:"environment"`
}

// Default returns the configuration paved runs with when no file is given.
func Default() Config {
	return Config{
		Server: Server{
			Addr:         "127.0.0.1:8080",
			MaxBodyBytes: 1 << 20,
			SessionHours: 12,
		},
		DataDir:        "data",
		Log:            Log{Level: "info", Format: "text"},
		PolicySettings: PolicySettings{DefaultMode: ModeWarn},
		Admission: Admission{
			Namespace:        "paved",
			ExemptNamespaces: []string{"kube-system"},
			QueueSize:        10000,
		},
		Environments: []Environment{
			{Name: "dev"},
			{Name: "staging"},
			{Name: "prod", Production: true},
		},
		Ownership: Ownership{
			TeamKeys:        []string{"team", "owner", "paved.dev/team"},
			ServiceKeys:     []string{"service", "paved.dev/service", "app.kubernetes.io/name", "app"},
			EnvironmentKeys: []string{"environment", "env", "paved.dev/environment"},
			Aliases: Aliases{Environment: map[string]string{
				"production":  "prod",
				"development": "dev",
				"stage":       "staging",
			}},
		},
	}
}

// Load reads path (or only defaults when path is ""), applies PAVED_*
// environment overrides and validates the result. All problems come back
// together as yamlfile.Errors.
func Load(path string) (Config, error) {
	cfg := Default()
	var root *yaml.Node
	var decodeErrs yamlfile.Errors
	userEnvAliases := false
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return cfg, fmt.Errorf("reading configuration: %w", err)
		}
		cfg.File = path
		name := filepath.Base(path)
		docs, err := yamlfile.Documents(name, data)
		if err != nil {
			return cfg, err
		}
		switch len(docs) {
		case 0:
			// An empty file means defaults.
		case 1:
			root = docs[0]
			// Lists replace the defaults rather than merging into them.
			if yamlfile.Locate(root, "environments") != nil {
				cfg.Environments = nil
			}
			if yamlfile.Locate(root, "admission.exempt_namespaces") != nil {
				cfg.Admission.ExemptNamespaces = nil
			}
			if yamlfile.Locate(root, "ownership.aliases.environment") != nil {
				cfg.Ownership.Aliases.Environment = nil
				userEnvAliases = true
			}
			decodeErrs = yamlfile.Decode(name, 0, root, &cfg)
		default:
			return cfg, yamlfile.Error{File: name, Line: docs[1].Line, Msg: "paved.yaml must hold one YAML document, found " + fmt.Sprint(len(docs))}
		}
	}
	cfg.root = root
	applyEnv(&cfg, os.LookupEnv)
	if !userEnvAliases {
		// The default aliases are conveniences: keep only those whose target
		// environment this configuration has.
		for raw, env := range cfg.Ownership.Aliases.Environment {
			if !cfg.hasEnvironment(env) {
				delete(cfg.Ownership.Aliases.Environment, raw)
			}
		}
	}
	errs := append(decodeErrs, cfg.Validate(root)...)
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Line < errs[j].Line })
	return cfg, errs.Err()
}

// EnvVars documents the environment overrides, in the order applied.
var EnvVars = []struct{ Name, Field string }{
	{"PAVED_ADDR", "server.addr"},
	{"PAVED_DATA_DIR", "data_dir"},
	{"PAVED_DATABASE_URL", "database_url"},
	{"PAVED_TLS_CERT", "server.tls_cert"},
	{"PAVED_TLS_KEY", "server.tls_key"},
	{"PAVED_LOG_LEVEL", "log.level"},
	{"PAVED_LOG_FORMAT", "log.format"},
	{"PAVED_ADMISSION_NAMESPACE", "admission.namespace"},
	{"PAVED_GITHUB_WEBHOOK_SECRET", "delivery.github.secret"},
	{"PAVED_GITLAB_WEBHOOK_TOKEN", "delivery.gitlab.token"},
	{"PAVED_CDEVENTS_TOKEN", "delivery.cdevents.token"},
}

func applyEnv(cfg *Config, lookup func(string) (string, bool)) {
	targets := map[string]*string{
		"PAVED_ADDR":                  &cfg.Server.Addr,
		"PAVED_DATA_DIR":              &cfg.DataDir,
		"PAVED_DATABASE_URL":          &cfg.DatabaseURL,
		"PAVED_TLS_CERT":              &cfg.Server.TLSCert,
		"PAVED_TLS_KEY":               &cfg.Server.TLSKey,
		"PAVED_LOG_LEVEL":             &cfg.Log.Level,
		"PAVED_LOG_FORMAT":            &cfg.Log.Format,
		"PAVED_ADMISSION_NAMESPACE":   &cfg.Admission.Namespace,
		"PAVED_GITHUB_WEBHOOK_SECRET": &cfg.Delivery.GitHub.Secret,
		"PAVED_GITLAB_WEBHOOK_TOKEN":  &cfg.Delivery.GitLab.Token,
		"PAVED_CDEVENTS_TOKEN":        &cfg.Delivery.CDEvents.Token,
	}
	for _, ev := range EnvVars {
		if v, ok := lookup(ev.Name); ok && strings.TrimSpace(v) != "" {
			*targets[ev.Name] = strings.TrimSpace(v)
		}
	}
}

func (c Config) hasEnvironment(name string) bool {
	for _, e := range c.Environments {
		if e.Name == name {
			return true
		}
	}
	return false
}

// Problem returns an error for path (e.g. "policies.no-such-policy") at
// its line in the file, for checks that need more than the file to make.
func (c Config) Problem(path, format string, args ...any) error {
	file, line := "(defaults)", 0
	if c.File != "" {
		file = filepath.Base(c.File)
	}
	if c.root != nil {
		line = yamlfile.Line(c.root, path)
	}
	return yamlfile.Error{File: file, Line: line, Path: path, Msg: fmt.Sprintf(format, args...)}
}

// ProductionEnvironments returns the names of environments marked production.
func (c Config) ProductionEnvironments() []string {
	var out []string
	for _, e := range c.Environments {
		if e.Production {
			out = append(out, e.Name)
		}
	}
	return out
}
