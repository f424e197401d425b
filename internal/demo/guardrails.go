package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/policy"
	"github.com/paved-dev/paved/internal/policy/input"
)

// defect is one way a demo manifest breaks a guardrail, and the day (days
// ago) its team fixes it; -1 means not fixed yet.
type defect struct {
	name    string
	fixedAt int
}

var defectNames = []string{"latest-tag", "no-limits", "root", "no-probes", "privileged", "writable-root"}

// LoadGuardrails gives the demo a month of CI history: every service's
// Deployment is rendered with the defects its team has not fixed yet on
// that day, parsed by the real input adapter, checked by the real engine
// and recorded as decisions, one upload per day. Teams fix things over the
// month, so trends go down and some findings remain open. Idempotent only
// in the sense that re-running adds another month of decisions; callers
// run it on a fresh demo database.
func LoadGuardrails(ctx context.Context, svc *policy.Service, cat *catalog.Catalog, cfg config.Config, now time.Time) error {
	// Two time-boxed exceptions, one about to expire, made before the
	// checks so that they excuse findings.
	for _, e := range []config.PolicyException{
		{Policy: "run-as-non-root", Team: "data-platform", Reason: "vendor image runs as root; replacement planned for Q1", Approver: "security@example.com", Expires: now.AddDate(0, 0, 9).Format(config.DateLayout)},
		{Policy: "image-tag-pinned", Service: "storefront", Reason: "canary tracks the moving tag on purpose", Approver: "platform-lead@example.com", Expires: now.AddDate(0, 2, 0).Format(config.DateLayout)},
	} {
		if _, err := svc.Store.CreateException(ctx, e); err != nil {
			return err
		}
	}
	snap := cat.Current()
	checker := &policy.Checker{Engine: svc.Engine, Rollout: svc.Rollout, Index: cat.Index()}
	var err error
	if checker.Exceptions, err = svc.AllExceptions(ctx); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(Seed, 7))
	defects := map[string][]defect{}
	for _, s := range snap.Services {
		for _, d := range defectNames {
			if r.IntN(100) < 22 {
				fixed := -1
				if r.IntN(100) < 60 {
					fixed = r.IntN(28)
				}
				defects[s.Name] = append(defects[s.Name], defect{d, fixed})
			}
		}
	}
	// The excepted ones, so the exceptions visibly excuse something.
	defects["storefront"] = append(defects["storefront"], defect{"latest-tag", -1})
	defects["event-pipeline"] = append(defects["event-pipeline"], defect{"root", -1})
	// A checked variant is the same for every day it exists; evaluate each
	// once.
	cache := map[string]policy.Report{}
	for daysAgo := 29; daysAgo >= 0; daysAgo-- {
		day := now.UTC().AddDate(0, 0, -daysAgo)
		up := policy.Upload{Source: "ci"}
		for _, s := range snap.Services {
			var active []string
			for _, d := range defects[s.Name] {
				if d.fixedAt < 0 || daysAgo > d.fixedAt {
					active = append(active, d.name)
				}
			}
			key := s.Name + "|" + strings.Join(active, ",")
			rep, ok := cache[key]
			if !ok {
				docs, err := input.Read("deploy/"+s.Name+".yaml", strings.NewReader(manifest(s, active)))
				if err != nil {
					return fmt.Errorf("demo manifest of %s: %w", s.Name, err)
				}
				if rep, err = checker.Check(ctx, docs, policy.CheckOptions{Env: "prod", Now: day, Files: 1}); err != nil {
					return err
				}
				cache[key] = rep
			}
			up.Results = append(up.Results, rep.Results...)
			for _, c := range rep.Checked {
				up.Resources = append(up.Resources, policy.CheckedResource{Resource: c.Resource.String(), Team: c.Team})
			}
		}
		if _, err := svc.Store.Record(ctx, up, day); err != nil {
			return err
		}
	}
	return nil
}

// manifest renders a service's production Deployment with the given
// defects.
func manifest(s catalog.Service, defects []string) string {
	has := func(d string) bool {
		for _, x := range defects {
			if x == d {
				return true
			}
		}
		return false
	}
	image := "ghcr.io/example-shop/" + s.Name + ":2.3.1"
	if has("latest-tag") {
		image = "ghcr.io/example-shop/" + s.Name + ":latest"
	}
	sc := "allowPrivilegeEscalation: false\n            capabilities: {drop: [ALL]}"
	if has("privileged") {
		sc = "privileged: true"
	}
	if !has("writable-root") {
		sc += "\n            readOnlyRootFilesystem: true"
	}
	podSC := "runAsNonRoot: true\n        runAsUser: 10001\n        seccompProfile: {type: RuntimeDefault}"
	if has("root") {
		podSC = "seccompProfile: {type: RuntimeDefault}"
	}
	resources := "requests: {cpu: 100m, memory: 128Mi}\n            limits: {memory: 256Mi}"
	if has("no-limits") {
		resources = "requests: {cpu: 100m}"
	}
	probes := "readinessProbe:\n            httpGet: {path: /ready, port: 8080}\n          livenessProbe:\n            httpGet: {path: /healthz, port: 8080}"
	if has("no-probes") {
		probes = "ports:\n            - containerPort: 8080"
	}
	return fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: %[1]s
  namespace: %[1]s-prod
  labels:
    team: %[2]s
    service: %[1]s
    environment: prod
spec:
  replicas: 3
  selector:
    matchLabels: {app: %[1]s}
  template:
    metadata:
      labels: {app: %[1]s}
    spec:
      securityContext:
        %[3]s
      containers:
        - name: app
          image: %[4]s
          securityContext:
            %[5]s
          resources:
            %[6]s
          %[7]s
`, s.Name, s.Team, podSC, image, sc, resources, probes)
}

// Policies is the demo's rollout when paved.yaml sets none: a typical
// mid-migration state with one gate enforced, the restricted Pod Security
// set scheduled to enforce next quarter, and a grace period for a team.
func Policies(now time.Time) map[string]config.PolicyRollout {
	return map[string]config.PolicyRollout{
		"no-privileged":    {Mode: config.ModeEnforce},
		"image-tag-pinned": {Mode: config.ModeWarn, Environments: map[string]config.RolloutOverride{"prod": {Mode: config.ModeEnforce}}},
		"pod-security-restricted": {
			Mode:        config.ModeWarn,
			EnforceFrom: now.AddDate(0, 3, 0).Format("2006-01") + "-01",
			Teams:       map[string]config.RolloutOverride{"data-platform": {Mode: config.ModeWarn, Until: now.AddDate(0, 5, 0).Format(config.DateLayout)}},
		},
	}
}
