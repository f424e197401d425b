package install

import (
	"bytes"
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"
)

// YAML renders Objects(opts) as one YAML stream for kubectl apply -f -,
// each document starting with ---.
func YAML(opts Options) ([]byte, error) {
	objs, err := Objects(opts)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	for _, obj := range objs {
		m, err := ToMap(obj)
		if err != nil {
			return nil, err
		}
		doc, err := yaml.Marshal(m)
		if err != nil {
			return nil, err
		}
		buf.WriteString("---\n")
		buf.Write(doc)
	}
	return buf.Bytes(), nil
}

// ToMap turns a typed object into the generic form it has on the wire,
// without the fields the Go types always write but a manifest should not
// carry: status, empty specs and creationTimestamp: null. Comparing these maps
// is how the Helm chart is held to Objects.
func ToMap(obj runtime.Object) (map[string]any, error) {
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("encoding %T: %w", obj, err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("decoding %T: %w", obj, err)
	}
	delete(m, "status") // never part of a manifest; the API server writes it
	dropEmpty(m, "spec", "strategy")
	dropEmpty(m, "spec")
	dropNullTimestamps(m)
	return m, nil
}

// dropEmpty removes the map at path when it is empty: the Go types write
// a Namespace's spec: {} and a Deployment's strategy: {} although nothing
// is set. (Not every empty map: emptyDir: {} means something.)
func dropEmpty(m map[string]any, path ...string) {
	for _, k := range path[:len(path)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			return
		}
		m = next
	}
	last := path[len(path)-1]
	if v, ok := m[last].(map[string]any); ok && len(v) == 0 {
		delete(m, last)
	}
}

// dropNullTimestamps removes creationTimestamp: null wherever metadata
// appears (the object's and its pod template's).
func dropNullTimestamps(v any) {
	switch v := v.(type) {
	case map[string]any:
		if ts, ok := v["creationTimestamp"]; ok && ts == nil {
			delete(v, "creationTimestamp")
		}
		for _, x := range v {
			dropNullTimestamps(x)
		}
	case []any:
		for _, x := range v {
			dropNullTimestamps(x)
		}
	}
}
