package admission

import (
	"context"
	"fmt"
	"strings"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/policy"
	"github.com/paved-dev/paved/internal/policy/input"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// maxWarning is the longest warning paved returns: kubectl prints each on
// one line, and the full text is in the decision record.
const maxWarning = 120

// validate judges the object a CREATE or UPDATE would store (for UPDATE,
// the new object): enforce-mode violations deny, warn-mode ones admit
// with warnings, excepted ones admit. Dry runs are judged but not
// recorded.
func (h *Handler) validate(req *admissionv1.AdmissionRequest) outcome {
	if why, ok := h.skip(req); ok {
		return outcome{allowed(), why}
	}
	doc, owner, err := h.document(req)
	if err != nil {
		// Not an object paved can read (the API server only sends
		// objects, so this is a malformed review): admit, and say why.
		h.opts.Logger.Warn("admission: cannot read the object under review", "uid", req.UID, "kind", req.Kind.Kind, "err", err)
		resp := allowed()
		resp.Warnings = []string{clip("paved could not read this object and did not judge it: " + err.Error())}
		return outcome{resp, "error"}
	}
	checker := policy.Checker{
		Engine:     h.opts.Policy.Engine,
		Rollout:    h.opts.Policy.Rollout,
		Exceptions: h.opts.Policy.CurrentExceptions(),
		Index:      h.opts.Catalog.Index(),
	}
	rep, err := checker.Check(context.Background(), []policy.Document{doc}, policy.CheckOptions{Now: h.opts.Now(), DefaultEnv: h.opts.Config.Admission.Environment, Files: 1})
	if err != nil {
		h.opts.Logger.Error("admission: evaluating policies", "uid", req.UID, "kind", req.Kind.Kind, "err", err)
		return outcome{&admissionv1.AdmissionResponse{Allowed: false, Result: &metav1.Status{
			Code: 500, Reason: metav1.StatusReasonInternalError,
			Message: "paved could not evaluate its policies for this object: " + err.Error(),
		}}, "error"}
	}
	if !dryRun(req) {
		h.record(doc, owner, rep.Results)
	}

	resp := allowed()
	var denied []policy.Result
	action := "allow"
	for _, r := range rep.Results {
		switch r.Action {
		case policy.ActionDeny:
			denied = append(denied, r)
		case policy.ActionWarn:
			resp.Warnings = append(resp.Warnings, warning(r))
			if action == "allow" {
				action = "warn"
			}
		case policy.ActionExcepted:
			resp.Warnings = append(resp.Warnings, clip(fmt.Sprintf("[%s] excepted by %s until %s: %s", r.Policy, r.Exception.ID, r.Exception.Expires, r.Message)))
			if action == "allow" {
				action = "excepted"
			}
		}
	}
	if len(denied) > 0 {
		resp.Allowed = false
		resp.Result = &metav1.Status{
			Status:  metav1.StatusFailure,
			Code:    403,
			Reason:  metav1.StatusReasonForbidden,
			Message: denial(doc.Resource, owner, denied),
		}
		action = "deny"
	}
	return outcome{resp, action}
}

// document turns the request's object into the policy document and
// resolves its owner; the environment falls back to the cluster's.
func (h *Handler) document(req *admissionv1.AdmissionRequest) (policy.Document, catalog.Owner, error) {
	obj, err := decodeObject(req.Object.Raw)
	if err != nil {
		return policy.Document{}, catalog.Owner{}, err
	}
	// The API server sets the namespace before admission; older clients'
	// objects may still lack it in edge cases, and policies read it.
	if meta, ok := obj["metadata"].(map[string]any); ok && req.Namespace != "" {
		if ns, _ := meta["namespace"].(string); ns == "" {
			meta["namespace"] = req.Namespace
		}
	}
	if meta, ok := obj["metadata"].(map[string]any); ok && req.Name != "" {
		if name, _ := meta["name"].(string); name == "" {
			meta["name"] = req.Name
		}
	}
	doc, err := input.Object("admission", obj)
	if err != nil {
		return doc, catalog.Owner{}, err
	}
	owner := h.opts.Catalog.Index().ResolveObject(doc.Labels, doc.Namespace)
	if owner.Environment == "" {
		owner.Environment = h.opts.Config.Admission.Environment
	}
	return doc, owner, nil
}

func dryRun(req *admissionv1.AdmissionRequest) bool { return req.DryRun != nil && *req.DryRun }

// record queues the decisions of one review. A passing object is recorded
// too (with no results) so that findings it used to have close.
func (h *Handler) record(doc policy.Document, owner catalog.Owner, results []policy.Result) {
	if h.opts.Recorder == nil {
		return
	}
	h.opts.Recorder.Record(policy.TimedUpload{
		Upload: policy.Upload{
			Source:    "admission",
			Results:   results,
			Resources: []policy.CheckedResource{{Resource: doc.Resource.String(), Team: owner.Team}},
		},
		At: h.opts.Now(),
	})
}

// warning is the one line kubectl prints for a warn-mode violation.
func warning(r policy.Result) string {
	msg := fmt.Sprintf("[%s] %s", r.Policy, r.Message)
	if r.Note != "" {
		msg = fmt.Sprintf("[%s] (%s) %s", r.Policy, r.Note, r.Message)
	}
	return clip(msg)
}

// clip shortens s to maxWarning characters, marking the cut.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= maxWarning {
		return s
	}
	return string(r[:maxWarning-1]) + "…"
}

// denial is the message a developer sees when an object is refused:
// each violation with its fix, and how to ask for an exception.
func denial(res policy.Resource, owner catalog.Owner, denied []policy.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "paved denied %s", res)
	if owner.Owned() {
		fmt.Fprintf(&b, " (team %s)", owner.Team)
	}
	n := "violation"
	if len(denied) > 1 {
		n = "violations"
	}
	fmt.Fprintf(&b, ": %d policy %s.", len(denied), n)
	for _, r := range denied {
		fmt.Fprintf(&b, "\n[%s] %s", r.Policy, r.Message)
		if r.Remediation != "" {
			fmt.Fprintf(&b, "\n  Fix: %s", r.Remediation)
		}
	}
	scope := "--namespace " + res.Namespace
	if res.Namespace == "" {
		scope = "--resource '" + res.String() + "'"
	}
	fmt.Fprintf(&b, "\nIf this must ship as it is, ask the platform team for a time-boxed exception: paved policy exception create --policy %s %s --reason WHY --approver WHO --expires YYYY-MM-DD", denied[0].Policy, scope)
	return b.String()
}
