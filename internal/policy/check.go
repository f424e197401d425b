package policy

import (
	"context"
	"fmt"
	"time"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
)

// Actions a result can carry.
const (
	ActionDeny     = "deny"
	ActionWarn     = "warn"
	ActionExcepted = "excepted"
	ActionPass     = "pass"
)

// Result is one violation with the action it gets today.
type Result struct {
	Policy   string `json:"policy"`
	Title    string `json:"title"`
	Severity string `json:"severity"`
	Action   string `json:"action"`
	Mode     string `json:"mode"`
	// Rule is the Rego rule that produced it: deny, violation or warn (a
	// warn rule never denies, whatever the mode).
	Rule        string        `json:"rule"`
	Message     string        `json:"message"`
	File        string        `json:"file"`
	Line        int           `json:"line"`
	Resource    Resource      `json:"resource"`
	Team        string        `json:"team"`
	Service     string        `json:"service,omitempty"`
	Environment string        `json:"environment,omitempty"`
	Remediation string        `json:"remediation,omitempty"`
	Exception   *ExceptionRef `json:"exception,omitempty"`
	// Note explains anything surprising about the action: the rollout date
	// a warning turns into a denial, an exception that has expired.
	Note string `json:"note,omitempty"`
}

// ExceptionRef is the exception that excused a result.
type ExceptionRef struct {
	ID       string `json:"id"`
	Reason   string `json:"reason"`
	Approver string `json:"approver"`
	Expires  string `json:"expires"`
}

// Checked is one evaluated resource, for reports that list passes too.
type Checked struct {
	Kind        string   `json:"kind"`
	File        string   `json:"file"`
	Line        int      `json:"line"`
	Resource    Resource `json:"resource"`
	Team        string   `json:"team"`
	Service     string   `json:"service,omitempty"`
	Environment string   `json:"environment,omitempty"`
}

// Summary counts a report.
type Summary struct {
	Files     int `json:"files"`
	Resources int `json:"resources"`
	Policies  int `json:"policies"`
	Deny      int `json:"deny"`
	Warn      int `json:"warn"`
	Excepted  int `json:"excepted"`
	// TeamCheck says whether the team-exists part of ownership-labels ran
	// ("catalog") or was skipped for want of a catalog ("skipped").
	TeamCheck string `json:"team_check"`
}

// Report is the outcome of a check.
type Report struct {
	Results []Result  `json:"results"`
	Summary Summary   `json:"summary"`
	Checked []Checked `json:"-"`
	// PoliciesByKind lists which policy ids evaluated each input kind.
	PoliciesByKind map[string][]*Policy `json:"-"`
}

// Checker turns documents into a Report.
type Checker struct {
	Engine     *Engine
	Rollout    *Rollout
	Exceptions []Exception
	// Index resolves owners; nil means every resource is unowned unless
	// --team says otherwise.
	Index *catalog.Index
}

// CheckOptions are per-run settings.
type CheckOptions struct {
	// Env and Team override what ownership resolution finds (CI knows the
	// environment it deploys to better than a manifest does).
	Env, Team string
	// DefaultEnv is the environment of resources whose ownership names
	// none (admission and audit: the cluster's environment).
	DefaultEnv string
	// Now is the day rollouts and exceptions are judged on (UTC).
	Now time.Time
	// Files is how many files were read, for the summary.
	Files int
}

// Check evaluates docs and decides every violation's action.
func (c *Checker) Check(ctx context.Context, docs []Document, opts CheckOptions) (Report, error) {
	vs, err := c.Engine.Evaluate(ctx, docs)
	if err != nil {
		return Report{}, err
	}
	day := opts.Now.UTC().Truncate(24 * time.Hour)
	rep := Report{Results: []Result{}, PoliciesByKind: map[string][]*Policy{}}
	owners := make([]catalog.Owner, len(docs))
	for i := range docs {
		owners[i] = c.owner(&docs[i], opts)
		rep.Checked = append(rep.Checked, Checked{Kind: docs[i].Kind, File: docs[i].File, Line: docs[i].Line, Resource: docs[i].Resource,
			Team: owners[i].Team, Service: owners[i].Service, Environment: owners[i].Environment})
		if _, ok := rep.PoliciesByKind[docs[i].Kind]; !ok {
			rep.PoliciesByKind[docs[i].Kind] = c.Engine.For(docs[i].Kind)
		}
	}
	for _, v := range vs {
		o := owners[v.Doc]
		d := c.Rollout.Mode(v.Policy, o.Team, o.Environment, day)
		if d.Mode == config.ModeOff {
			continue
		}
		r := Result{
			Policy: v.Policy.ID, Title: v.Policy.Title, Severity: v.Policy.Severity, Mode: d.Mode, Rule: v.Rule,
			Message: v.Message, File: v.File, Line: v.Line, Resource: v.Resource,
			Team: o.Team, Service: o.Service, Environment: o.Environment, Remediation: v.Policy.Remediation,
		}
		switch {
		case v.Rule == "warn" || d.Mode == config.ModeWarn:
			r.Action = ActionWarn
			if d.EnforceFrom != "" && v.Rule != "warn" {
				r.Note = "will be denied from " + d.EnforceFrom
			}
		default:
			r.Action = ActionDeny
		}
		c.applyException(&r, docs[v.Doc].Namespace, day)
		rep.Results = append(rep.Results, r)
		switch r.Action {
		case ActionDeny:
			rep.Summary.Deny++
		case ActionWarn:
			rep.Summary.Warn++
		case ActionExcepted:
			rep.Summary.Excepted++
		}
	}
	rep.Summary.Files = opts.Files
	rep.Summary.Resources = len(docs)
	rep.Summary.Policies = len(c.Engine.Policies())
	rep.Summary.TeamCheck = "skipped"
	if c.Index != nil {
		rep.Summary.TeamCheck = "catalog"
	}
	return rep, nil
}

func (c *Checker) applyException(r *Result, namespace string, day time.Time) {
	for i := range c.Exceptions {
		ex := &c.Exceptions[i]
		if !ex.Matches(r.Policy, r.Resource, r.Team, r.Service, namespace) {
			continue
		}
		if ex.Expired(day) {
			r.Note = fmt.Sprintf("exception %s (%s) expired on %s and no longer applies", ex.ID, ex.Reason, ex.Expires)
			continue
		}
		r.Action = ActionExcepted
		r.Exception = &ExceptionRef{ID: ex.ID, Reason: ex.Reason, Approver: ex.Approver, Expires: ex.Expires}
		r.Note = ""
		return
	}
}

func (c *Checker) owner(d *Document, opts CheckOptions) catalog.Owner {
	var o catalog.Owner
	switch {
	case c.Index == nil:
		o = catalog.Owner{Team: catalog.Unowned}
	case d.Kind == KindKubernetes:
		o = c.Index.ResolveObject(d.Labels, d.Namespace)
	case d.Kind == KindTerraform || d.Kind == KindTerraformModule:
		o = c.Index.ResolveCloud(d.Tags, d.Account)
	default:
		o = catalog.Owner{Team: catalog.Unowned}
	}
	if opts.Team != "" {
		if o.Team != opts.Team {
			o.Service = ""
		}
		o.Team = opts.Team
	}
	if o.Environment == "" {
		o.Environment = opts.DefaultEnv
	}
	if opts.Env != "" {
		o.Environment = opts.Env
	}
	return o
}

// Failed reports whether the report should fail a CI gate.
func (r Report) Failed(failOnWarn bool) bool {
	return r.Summary.Deny > 0 || (failOnWarn && r.Summary.Warn > 0)
}
