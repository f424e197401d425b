package config

import (
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"sort"
	"strings"

	"github.com/paved-dev/paved/internal/slug"
	"github.com/paved-dev/paved/internal/yamlfile"
	"go.yaml.in/yaml/v3"
)

// Validate checks the decoded configuration. root is the parsed file (or
// nil) and is used only to put line numbers on the problems.
func (c Config) Validate(root *yaml.Node) yamlfile.Errors {
	v := validator{root: root, file: "(defaults)"}
	if c.File != "" {
		v.file = filepath.Base(c.File)
	}

	if _, port, err := net.SplitHostPort(c.Server.Addr); err != nil || port == "" {
		v.add("server.addr", "%q is not HOST:PORT (for example 127.0.0.1:8080 or :8080)", c.Server.Addr)
	}
	if c.Server.MaxBodyBytes < 1024 {
		v.add("server.max_body_bytes", "%d is too small; use at least 1024", c.Server.MaxBodyBytes)
	}
	if (c.Server.TLSCert == "") != (c.Server.TLSKey == "") {
		v.add("server.tls_cert", "tls_cert and tls_key must be set together")
	}
	if c.Server.SessionHours < 1 || c.Server.SessionHours > 24*30 {
		v.add("server.session_hours", "%d is out of range; use 1 to 720", c.Server.SessionHours)
	}
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			// Never echo the URL: it may carry a password.
			v.add("database_url", "must be a postgres:// or postgresql:// URL (leave empty for the embedded SQLite store)")
		}
	} else if c.DataDir == "" {
		v.add("data_dir", "is required when database_url is empty")
	}
	v.oneOf("log.level", c.Log.Level, "debug", "info", "warn", "error")
	v.oneOf("log.format", c.Log.Format, "text", "json")

	if len(c.Environments) == 0 {
		v.add("environments", "at least one environment is required")
	}
	seen := map[string]int{}
	for i, e := range c.Environments {
		p := fmt.Sprintf("environments[%d].name", i)
		if err := slug.Check(e.Name); err != nil {
			v.add(p, "%v", err)
		} else if j, dup := seen[e.Name]; dup {
			v.add(p, "duplicate environment %q (also environments[%d])", e.Name, j)
		}
		seen[e.Name] = i
	}

	v.keys("ownership.team_keys", c.Ownership.TeamKeys)
	v.keys("ownership.service_keys", c.Ownership.ServiceKeys)
	v.keys("ownership.environment_keys", c.Ownership.EnvironmentKeys)
	v.aliases("ownership.aliases.team", c.Ownership.Aliases.Team)
	v.aliases("ownership.aliases.service", c.Ownership.Aliases.Service)
	v.aliases("ownership.aliases.environment", c.Ownership.Aliases.Environment)
	for raw, env := range c.Ownership.Aliases.Environment {
		if _, ok := seen[env]; !ok && slug.Valid(env) {
			v.add("ownership.aliases.environment."+raw, "%q is not a configured environment; valid: %s", env, strings.Join(envNames(c.Environments), ", "))
		}
	}
	v.policies(c)
	v.admission(c)
	v.cost(c)
	v.surveys(c)
	v.delivery(c)
	v.usage(c)
	sort.SliceStable(v.errs, func(i, j int) bool { return v.errs[i].Line < v.errs[j].Line })
	return v.errs
}

type validator struct {
	root *yaml.Node
	file string
	errs yamlfile.Errors
}

func (v *validator) add(path, format string, args ...any) {
	line := 0
	if v.root != nil {
		line = yamlfile.Line(v.root, path)
	}
	v.errs = append(v.errs, yamlfile.Error{File: v.file, Line: line, Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) oneOf(path, value string, valid ...string) {
	for _, s := range valid {
		if value == s {
			return
		}
	}
	v.add(path, "%q is not valid; use one of %s", value, strings.Join(valid, ", "))
}

func (v *validator) keys(path string, keys []string) {
	if len(keys) == 0 {
		v.add(path, "at least one key is required")
	}
	seen := map[string]bool{}
	for i, k := range keys {
		p := fmt.Sprintf("%s[%d]", path, i)
		lk := strings.ToLower(strings.TrimSpace(k))
		switch {
		case lk == "":
			v.add(p, "empty key")
		case seen[lk]:
			v.add(p, "duplicate key %q (keys are matched case-insensitively)", k)
		}
		seen[lk] = true
	}
}

func (v *validator) aliases(path string, m map[string]string) {
	for raw, canonical := range m {
		p := path + "." + raw
		if slug.Normalize(raw) == "" {
			v.add(p, "alias %q normalises to nothing; use letters or digits", raw)
		}
		if err := slug.Check(canonical); err != nil {
			v.add(p, "%v", err)
		}
	}
}

func envNames(envs []Environment) []string {
	out := make([]string, len(envs))
	for i, e := range envs {
		out[i] = e.Name
	}
	return out
}
