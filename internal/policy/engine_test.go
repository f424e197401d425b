package policy

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
)

func deployment(name string, replicas int, nonRoot bool, labels map[string]any) Document {
	spec := map[string]any{}
	if nonRoot {
		spec["securityContext"] = map[string]any{"runAsNonRoot": true}
	}
	meta := map[string]any{"name": name, "namespace": "shop"}
	if labels != nil {
		meta["labels"] = labels
	}
	strLabels := map[string]string{}
	for k, v := range labels {
		strLabels[k] = v.(string)
	}
	return Document{
		Kind: KindKubernetes, File: "deploy/" + name + ".yaml", Line: 1, Labels: strLabels,
		Resource:  Resource{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: name},
		Namespace: "shop",
		Input: map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta,
			"spec": map[string]any{"replicas": replicas, "template": map[string]any{"spec": spec}}},
	}
}

func service(name, typ string) Document {
	return Document{
		Kind: KindKubernetes, File: "deploy/svc.yaml", Line: 7,
		Resource: Resource{APIVersion: "v1", Kind: "Service", Namespace: "shop", Name: name},
		Input:    map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": name}, "spec": map[string]any{"type": typ}},
	}
}

func TestConftestPoliciesRunUnchanged(t *testing.T) {
	ctx := context.Background()
	e, err := NewEngine(ctx, Options{NoBuiltin: true, Dirs: []string{"testdata/conftest", "testdata/conftest-v0"}})
	if err != nil {
		t.Fatal(err)
	}
	docs := []Document{deployment("web", 1, false, nil), deployment("api", 3, true, map[string]any{"app": "api"}), service("lb", "LoadBalancer")}
	vs, err := e.Evaluate(ctx, docs)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range vs {
		got = append(got, v.Policy.ID+"/"+v.Rule+": "+v.Message)
	}
	want := []string{
		"main/deny: Containers must not run as root in Deployment web",
		"main/violation: Deployments need an app label",
		"main/warn: Service lb is a LoadBalancer: it costs money",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestEngineErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"syntax error", Options{NoBuiltin: true, Dirs: []string{"testdata/broken"}}, "testdata/broken/syntax.rego:5"},
		{"missing dir", Options{NoBuiltin: true, Dirs: []string{"testdata/nope"}}, "--policy testdata/nope: no such file or directory"},
		{"unknown select", Options{NoBuiltin: true, Dirs: []string{"testdata/custom"}, Select: []string{"nope"}}, `--select "nope" names no policy or set; known sets: reliability`},
		{"duplicate id", Options{NoBuiltin: true, Dirs: []string{"testdata/custom", "testdata/duplicate"}}, `policy id "min-replicas" is already used`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewEngine(ctx, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestCheckActions walks the rollout and exception rules through one
// custom policy: the action a violation gets for each configuration.
func TestCheckActions(t *testing.T) {
	ctx := context.Background()
	day := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	doc := deployment("web", 1, true, map[string]any{"team": "payments"})
	snap := catalog.Snapshot{Teams: []catalog.Team{{Name: "payments"}, {Name: "growth"}}, Environments: []catalog.Environment{{Name: "dev"}, {Name: "prod", Production: true}}}
	ix := catalog.NewIndex(snap, config.Default().Ownership)
	exc := func(expires string) config.PolicyException {
		return config.PolicyException{Policy: "min-replicas", Team: "payments", Reason: "migrating to HPA", Approver: "cto", Expires: expires}
	}
	tests := []struct {
		name       string
		policies   map[string]config.PolicyRollout
		exceptions []config.PolicyException
		env, team  string
		grace      map[string]time.Time
		action     string
		note       string
	}{
		{"built-in default is warn; custom metadata policies follow it", nil, nil, "", "", nil, ActionWarn, ""},
		{"enforce", map[string]config.PolicyRollout{"min-replicas": {Mode: "enforce"}}, nil, "", "", nil, ActionDeny, ""},
		{"set entry applies", map[string]config.PolicyRollout{"reliability": {Mode: "enforce"}}, nil, "", "", nil, ActionDeny, ""},
		{"policy entry beats set entry", map[string]config.PolicyRollout{"reliability": {Mode: "enforce"}, "min-replicas": {Mode: "warn"}}, nil, "", "", nil, ActionWarn, ""},
		{"off drops the result", map[string]config.PolicyRollout{"min-replicas": {Mode: "off"}}, nil, "", "", nil, "", ""},
		{"warn until enforce_from", map[string]config.PolicyRollout{"min-replicas": {EnforceFrom: "2027-01-01"}}, nil, "", "", nil, ActionWarn, "will be denied from 2027-01-01"},
		{"enforce from the date", map[string]config.PolicyRollout{"min-replicas": {EnforceFrom: "2026-11-25"}}, nil, "", "", nil, ActionDeny, ""},
		{"env override", map[string]config.PolicyRollout{"min-replicas": {Mode: "warn", Environments: map[string]config.RolloutOverride{"prod": {Mode: "enforce"}}}}, nil, "prod", "", nil, ActionDeny, ""},
		{"env override elsewhere", map[string]config.PolicyRollout{"min-replicas": {Mode: "warn", Environments: map[string]config.RolloutOverride{"prod": {Mode: "enforce"}}}}, nil, "dev", "", nil, ActionWarn, ""},
		{"team override beats env", map[string]config.PolicyRollout{"min-replicas": {Mode: "enforce", Teams: map[string]config.RolloutOverride{"payments": {Mode: "warn"}}}}, nil, "prod", "", nil, ActionWarn, ""},
		{"team override until passed", map[string]config.PolicyRollout{"min-replicas": {Mode: "enforce", Teams: map[string]config.RolloutOverride{"payments": {Mode: "warn", Until: "2026-11-01"}}}}, nil, "", "", nil, ActionDeny, ""},
		{"onboarding grace", map[string]config.PolicyRollout{"min-replicas": {Mode: "enforce"}}, nil, "", "", map[string]time.Time{"payments": day.AddDate(0, 0, 3)}, ActionWarn, ""},
		{"--team moves ownership", map[string]config.PolicyRollout{"min-replicas": {Mode: "enforce", Teams: map[string]config.RolloutOverride{"growth": {Mode: "warn"}}}}, nil, "", "growth", nil, ActionWarn, ""},
		{"excepted", map[string]config.PolicyRollout{"min-replicas": {Mode: "enforce"}}, []config.PolicyException{exc("2026-11-25")}, "", "", nil, ActionExcepted, ""},
		{"expired exception stops applying", map[string]config.PolicyRollout{"min-replicas": {Mode: "enforce"}}, []config.PolicyException{exc("2026-11-24")}, "", "", nil, ActionDeny, "exception cfg-1 (migrating to HPA) expired on 2026-11-24 and no longer applies"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.Policies = tt.policies
			cfg.Exceptions = tt.exceptions
			e, err := NewEngine(ctx, Options{NoBuiltin: true, Dirs: []string{"testdata/custom"}})
			if err != nil {
				t.Fatal(err)
			}
			r, err := NewRollout(cfg, e.Policies(), tt.grace)
			if err != nil {
				t.Fatal(err)
			}
			ex, err := ConfigExceptions(cfg)
			if err != nil {
				t.Fatal(err)
			}
			c := &Checker{Engine: e, Rollout: r, Exceptions: ex, Index: ix}
			rep, err := c.Check(ctx, []Document{doc}, CheckOptions{Env: tt.env, Team: tt.team, Now: day})
			if err != nil {
				t.Fatal(err)
			}
			if tt.action == "" {
				if len(rep.Results) != 0 {
					t.Fatalf("mode off still reported %+v", rep.Results)
				}
				return
			}
			if len(rep.Results) != 1 {
				t.Fatalf("results = %+v", rep.Results)
			}
			got := rep.Results[0]
			if got.Action != tt.action || got.Note != tt.note {
				t.Fatalf("action %q note %q, want %q %q", got.Action, got.Note, tt.action, tt.note)
			}
			if tt.team == "" && got.Team != "payments" {
				t.Fatalf("owner not resolved from labels: %+v", got)
			}
		})
	}
}

func TestRolloutRejectsUnknownIDs(t *testing.T) {
	cfg := config.Default()
	cfg.Policies = map[string]config.PolicyRollout{"no-such-policy": {Mode: "enforce"}}
	e, err := NewEngine(context.Background(), Options{NoBuiltin: true, Dirs: []string{"testdata/custom"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewRollout(cfg, e.Policies(), nil); err == nil || !strings.Contains(err.Error(), `policies.no-such-policy: "no-such-policy" is not a loaded policy or set`) {
		t.Fatalf("err = %v", err)
	}
}

func TestResultLineOverride(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "p.rego"), []byte("package main\n\ndeny contains {\"msg\": \"here\", \"line\": 7} if input.kind == \"Deployment\"\n"), 0o644)
	e, err := NewEngine(context.Background(), Options{NoBuiltin: true, Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := e.Evaluate(context.Background(), []Document{deployment("web", 1, true, nil)})
	if err != nil || len(vs) != 1 || vs[0].Line != 7 {
		t.Fatalf("%+v %v", vs, err)
	}
}
