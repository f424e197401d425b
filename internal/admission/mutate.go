package admission

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/policy"
	admissionv1 "k8s.io/api/admission/v1"
)

// mutate adds the ownership labels the catalog knows for the object's
// namespace when the object has none of the configured keys for them:
// team, service and environment, under the first key of each list in
// paved.yaml's ownership section. It never overwrites a label, and a
// second pass finds nothing to add, so it is idempotent. Only namespaces
// and teams that opted in (admission.mutate) are touched.
func (h *Handler) mutate(req *admissionv1.AdmissionRequest) outcome {
	if why, ok := h.skip(req); ok {
		return outcome{allowed(), why}
	}
	owner := h.opts.Catalog.Index().ResolveObject(nil, req.Namespace)
	if owner.Environment == "" {
		owner.Environment = h.opts.Config.Admission.Environment
	}
	a := h.opts.Config.Admission.Mutate
	if !owner.Owned() || !(a.All || h.mutateNS[req.Namespace] || h.mutateTeams[owner.Team]) {
		return outcome{allowed(), "skip"}
	}
	obj, err := decodeObject(req.Object.Raw)
	if err != nil {
		return outcome{allowed(), "error"}
	}
	own := h.opts.Config.Ownership
	want := []struct {
		keys  []string
		value string
	}{
		{own.TeamKeys, owner.Team},
		{own.ServiceKeys, owner.Service},
		{own.EnvironmentKeys, owner.Environment},
	}
	var patch []patchOp
	var added []string
	for _, path := range labelPaths(req.Kind.Kind) {
		labels, exists := labelsAt(obj, path)
		if labels == nil && exists {
			// Present but not an object: not ours to fix.
			continue
		}
		add := map[string]string{}
		for _, w := range want {
			if w.value == "" || len(w.keys) == 0 || hasAny(labels, w.keys) {
				continue
			}
			add[w.keys[0]] = w.value
		}
		if len(add) == 0 {
			continue
		}
		patch = append(patch, labelPatch(path, labels == nil, add)...)
		if len(added) == 0 {
			for _, k := range sortedKeys(add) {
				added = append(added, k+"="+add[k])
			}
		}
	}
	if len(patch) == 0 {
		return outcome{allowed(), "allow"}
	}
	body, err := json.Marshal(patch)
	if err != nil {
		return outcome{allowed(), "error"}
	}
	pt := admissionv1.PatchTypeJSONPatch
	resp := allowed()
	resp.Patch, resp.PatchType = body, &pt
	if !dryRun(req) {
		h.recordMutation(req, obj, owner, added)
	}
	return outcome{resp, "mutated"}
}

func (h *Handler) recordMutation(req *admissionv1.AdmissionRequest, obj map[string]any, owner catalog.Owner, added []string) {
	if h.opts.Recorder == nil {
		return
	}
	name := req.Name
	if meta, ok := obj["metadata"].(map[string]any); ok && name == "" {
		name, _ = meta["name"].(string)
		if name == "" {
			name, _ = meta["generateName"].(string)
		}
	}
	res := policy.Resource{APIVersion: apiVersion(req), Kind: req.Kind.Kind, Namespace: req.Namespace, Name: name}
	h.opts.Recorder.Record(policy.TimedUpload{
		Upload: policy.Upload{Source: "admission", Results: []policy.Result{{
			Policy: "ownership-labels", Title: "Ownership labels added by admission", Action: policy.ActionMutated,
			Message:  "added labels " + strings.Join(added, ", ") + " from the catalog's owner of namespace " + req.Namespace,
			File:     "admission",
			Resource: res, Team: owner.Team, Service: owner.Service, Environment: owner.Environment,
		}}},
		At: h.opts.Now(),
	})
}

func apiVersion(req *admissionv1.AdmissionRequest) string {
	if req.Kind.Group == "" {
		return req.Kind.Version
	}
	return req.Kind.Group + "/" + req.Kind.Version
}

// labelPaths are where an object of kind keeps labels that matter for
// cost allocation: its own, and for controllers the pod template's, so
// the pods they create carry the owner too.
func labelPaths(kind string) [][]string {
	own := []string{"metadata", "labels"}
	switch kind {
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController":
		return [][]string{own, {"spec", "template", "metadata", "labels"}}
	case "CronJob":
		return [][]string{own, {"spec", "jobTemplate", "spec", "template", "metadata", "labels"}}
	}
	return [][]string{own}
}

// labelsAt returns the labels at path; exists says whether anything is
// there. A missing parent (a template with no metadata) counts as absent
// labels only when the parent chain up to the labels' object exists.
func labelsAt(obj map[string]any, path []string) (labels map[string]any, exists bool) {
	cur := obj
	for _, k := range path[:len(path)-1] {
		next, ok := cur[k].(map[string]any)
		if !ok {
			return nil, true // no such parent: nothing to patch safely
		}
		cur = next
	}
	v, ok := cur[path[len(path)-1]]
	if !ok || v == nil {
		return nil, false
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, true
	}
	return m, true
}

func hasAny(labels map[string]any, keys []string) bool {
	for k := range labels {
		for _, want := range keys {
			if strings.EqualFold(strings.TrimSpace(k), want) {
				return true
			}
		}
	}
	return false
}

// patchOp is one JSON Patch (RFC 6902) operation.
type patchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value"`
}

func labelPatch(path []string, create bool, add map[string]string) []patchOp {
	base := "/" + strings.Join(path, "/")
	if create {
		return []patchOp{{Op: "add", Path: base, Value: add}}
	}
	var ops []patchOp
	for _, k := range sortedKeys(add) {
		ops = append(ops, patchOp{Op: "add", Path: base + "/" + escapePointer(k), Value: add[k]})
	}
	return ops
}

// escapePointer escapes a JSON Pointer token: label keys like
// paved.dev/team contain '/'.
func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
