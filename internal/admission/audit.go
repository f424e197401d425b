package admission

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/policy"
	"github.com/paved-dev/paved/internal/policy/input"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
)

// auditResources are the kinds the webhooks judge, listed from a live
// cluster by an audit.
var auditResources = []schema.GroupVersionResource{
	{Version: "v1", Resource: "pods"},
	{Version: "v1", Resource: "services"},
	{Version: "v1", Resource: "replicationcontrollers"},
	{Group: "apps", Version: "v1", Resource: "deployments"},
	{Group: "apps", Version: "v1", Resource: "statefulsets"},
	{Group: "apps", Version: "v1", Resource: "daemonsets"},
	{Group: "apps", Version: "v1", Resource: "replicasets"},
	{Group: "batch", Version: "v1", Resource: "jobs"},
	{Group: "batch", Version: "v1", Resource: "cronjobs"},
}

// AuditOptions scope an audit.
type AuditOptions struct {
	// Namespace limits the audit to one namespace ("" for all).
	Namespace string
	// Source names the cluster in results (e.g. the kubeconfig context).
	Source string
	Now    time.Time
}

// AuditResult is what an audit found.
type AuditResult struct {
	Report policy.Report `json:"report"`
	// Teams sums the results per team, most would-be denials first.
	Teams []TeamAudit `json:"teams"`
	// Objects is how many objects were judged; Controlled how many were
	// left to the controller that owns them (a Deployment's ReplicaSets
	// and pods), Exempt how many sat in exempt namespaces.
	Objects    int `json:"objects"`
	Controlled int `json:"controlled"`
	Exempt     int `json:"exempt"`
}

// TeamAudit is one team's line of an audit.
type TeamAudit struct {
	Team      string `json:"team"`
	WouldDeny int    `json:"would_deny"`
	Warn      int    `json:"warn"`
	Excepted  int    `json:"excepted"`
}

// Audit lists the objects running in a cluster and judges each as the
// validating webhook would if it were applied again today: what it would
// deny is what the cluster already runs in breach. Objects created by a
// controller (pods of a ReplicaSet, ReplicaSets of a Deployment, Jobs of
// a CronJob) are left to their controller, which is what a developer
// wrote and would fix, so one violation is reported once.
func Audit(ctx context.Context, client dynamic.Interface, checker policy.Checker, cfg config.Config, opts AuditOptions) (AuditResult, error) {
	exempt := set(cfg.Admission.Exempt())
	var docs []policy.Document
	var res AuditResult
	for _, gvr := range auditResources {
		cont := ""
		for {
			list, err := client.Resource(gvr).Namespace(opts.Namespace).List(ctx, metav1.ListOptions{Limit: 500, Continue: cont})
			if err != nil {
				return res, fmt.Errorf("listing %s: %w", gvr.GroupResource(), err)
			}
			for i := range list.Items {
				obj := list.Items[i]
				if exempt[obj.GetNamespace()] {
					res.Exempt++
					continue
				}
				if metav1.GetControllerOf(&obj) != nil {
					res.Controlled++
					continue
				}
				// Policies judge the spec a developer wrote; the server's
				// bookkeeping only costs evaluation time.
				content := obj.UnstructuredContent()
				delete(content, "status")
				if meta, ok := content["metadata"].(map[string]any); ok {
					delete(meta, "managedFields")
				}
				doc, err := input.Object(opts.Source, content)
				if err != nil {
					return res, fmt.Errorf("%s %s/%s: %w", gvr.Resource, obj.GetNamespace(), obj.GetName(), err)
				}
				docs = append(docs, doc)
			}
			cont = list.GetContinue()
			if cont == "" {
				break
			}
		}
	}
	res.Objects = len(docs)
	rep, err := checker.Check(ctx, docs, policy.CheckOptions{Now: opts.Now, DefaultEnv: cfg.Admission.Environment, Files: 1})
	if err != nil {
		return res, err
	}
	res.Report = rep
	byTeam := map[string]*TeamAudit{}
	for _, r := range rep.Results {
		t := byTeam[r.Team]
		if t == nil {
			t = &TeamAudit{Team: r.Team}
			byTeam[r.Team] = t
		}
		switch r.Action {
		case policy.ActionDeny:
			t.WouldDeny++
		case policy.ActionWarn:
			t.Warn++
		case policy.ActionExcepted:
			t.Excepted++
		}
	}
	for _, t := range byTeam {
		res.Teams = append(res.Teams, *t)
	}
	sort.Slice(res.Teams, func(i, j int) bool {
		a, b := res.Teams[i], res.Teams[j]
		if a.WouldDeny != b.WouldDeny {
			return a.WouldDeny > b.WouldDeny
		}
		return a.Team < b.Team
	})
	return res, nil
}

// Upload is the audit as decisions: every result, and every object
// judged, so that the findings of objects since fixed close.
func (r AuditResult) Upload() policy.Upload {
	up := policy.Upload{Source: "audit", Results: r.Report.Results}
	for _, c := range r.Report.Checked {
		up.Resources = append(up.Resources, policy.CheckedResource{Resource: c.Resource.String(), Team: c.Team})
	}
	return up
}
