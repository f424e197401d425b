package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Severities in order, most severe first.
var Severities = []string{"critical", "high", "medium", "low"}

// Policy is one loaded policy: its metadata and where its rules live.
type Policy struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Severity    string   `json:"severity"`
	Inputs      []string `json:"inputs"`
	Sets        []string `json:"sets,omitempty"`
	Remediation string   `json:"remediation,omitempty"`
	// Builtin is true for the embedded pack.
	Builtin bool `json:"builtin"`
	// Custom is true for a conftest-style module without paved metadata:
	// it applies to every input and its deny rules enforce by default, as
	// in conftest.
	Custom bool `json:"custom,omitempty"`
	// Package is the Rego package path, e.g. data.paved.kubernetes.no_privileged.
	Package string `json:"package"`
	// File is the module's file name.
	File string `json:"file"`
	// Rules lists which of deny, warn and violation the module defines.
	Rules []string `json:"rules"`
}

// AppliesTo reports whether the policy evaluates documents of kind.
func (p *Policy) AppliesTo(kind string) bool {
	return slices.Contains(p.Inputs, kind)
}

// InSet reports whether id names the policy or one of its sets.
func (p *Policy) InSet(id string) bool {
	return p.ID == id || slices.Contains(p.Sets, id)
}

var ruleNames = []string{"deny", "warn", "violation"}

// policyFromModule reads a module's package METADATA. Modules with no
// deny/warn/violation rules (libraries, tests) return nil.
func policyFromModule(file string, m *ast.Module, builtin bool) (*Policy, error) {
	var rules []string
	for _, r := range m.Rules {
		name := r.Head.Name.String()
		if len(r.Head.Reference) > 0 {
			name = r.Head.Reference[0].Value.(ast.Var).String()
		}
		if slices.Contains(ruleNames, name) && !slices.Contains(rules, name) {
			rules = append(rules, name)
		}
	}
	if len(rules) == 0 {
		return nil, nil
	}
	slices.Sort(rules)
	p := &Policy{Package: m.Package.Path.String(), File: file, Rules: rules, Builtin: builtin}

	var ann *ast.Annotations
	for _, a := range m.Annotations {
		if a.Scope == "package" {
			ann = a
		}
	}
	if ann == nil || ann.Custom["id"] == nil {
		if builtin {
			return nil, fmt.Errorf("%s: built-in policy has no METADATA with custom.id", file)
		}
		// A conftest policy: its package is its identity.
		p.ID = strings.TrimPrefix(p.Package, "data.")
		p.Title = p.ID
		p.Severity = "high"
		p.Inputs = slices.Clone(InputKinds)
		p.Custom = true
		if ann != nil {
			p.Title = firstNonEmpty(ann.Title, p.ID)
			p.Description = ann.Description
		}
		return p, nil
	}
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("%s:%d: METADATA custom.%s: %s", file, ann.Location.Row, field, fmt.Sprintf(format, args...))
	}
	var ok bool
	if p.ID, ok = ann.Custom["id"].(string); !ok || p.ID == "" {
		return nil, bad("id", "must be a non-empty string")
	}
	p.Title = firstNonEmpty(ann.Title, p.ID)
	p.Description = ann.Description
	p.Severity, _ = ann.Custom["severity"].(string)
	if !slices.Contains(Severities, p.Severity) {
		return nil, bad("severity", "%q is not valid; use one of %s", p.Severity, strings.Join(Severities, ", "))
	}
	p.Remediation, _ = ann.Custom["remediation"].(string)
	p.Remediation = strings.TrimSpace(p.Remediation)
	var err error
	if p.Inputs, err = stringList(ann.Custom["inputs"]); err != nil || len(p.Inputs) == 0 {
		return nil, bad("inputs", "must list input kinds: %s", strings.Join(InputKinds, ", "))
	}
	for _, in := range p.Inputs {
		if !slices.Contains(InputKinds, in) {
			return nil, bad("inputs", "%q is not an input kind; use %s", in, strings.Join(InputKinds, ", "))
		}
	}
	if p.Sets, err = stringList(ann.Custom["sets"]); err != nil {
		return nil, bad("sets", "must be a list of set ids")
	}
	return p, nil
}

func stringList(v any) ([]string, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("not a list")
	}
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, ok := x.(string)
		if !ok {
			return nil, fmt.Errorf("not a string")
		}
		out = append(out, s)
	}
	return out, nil
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
