package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/admission/install"
)

const testCA = "../admission/install/testdata/ca.crt"

func TestAdmissionInstallManifests(t *testing.T) {
	code, out, errOut := run(t, "admission", "install-manifests", "--ca-bundle", testCA)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	ca, err := os.ReadFile(testCA)
	if err != nil {
		t.Fatal(err)
	}
	want, err := install.YAML(install.Options{CABundle: ca})
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Errorf("install-manifests with default flags differs from install.YAML with default options:\n%s", out)
	}

	code, out, errOut = run(t, "admission", "install-manifests", "--namespace", "guard", "--failure-policy", "Fail",
		"--webhook-url", "https://paved.example.com", "--exempt-namespace", "monitoring", "--exempt-namespace", "kube-system", "--replicas", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, s := range []string{"namespace: guard", "failurePolicy: Fail", "url: https://paved.example.com/admission/validate", "- monitoring", "replicas: 3"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q", s)
		}
	}
}

// TestAdmissionManifestsPassOwnPolicies runs paved check on paved's own
// install: the webhook that enforces the guardrails must not break them.
func TestAdmissionManifestsPassOwnPolicies(t *testing.T) {
	code, manifests, errOut := run(t, "admission", "install-manifests", "--ca-bundle", testCA)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	file := filepath.Join(t.TempDir(), "paved.yaml")
	if err := os.WriteFile(file, []byte(manifests), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, "check", "--format", "json", file)
	if code != 0 {
		t.Fatalf("paved check exit %d:\n%s\n%s", code, out, errOut)
	}
	var rep struct {
		Results []struct{ Policy, Action, Message string }
		Summary struct{ Resources, Policies int }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("check output is not JSON: %v\n%s", err, out)
	}
	if rep.Summary.Resources != 7 || rep.Summary.Policies == 0 {
		t.Fatalf("check did not check the 7 objects against the policies: %+v", rep.Summary)
	}
	for _, r := range rep.Results {
		if r.Action == "deny" || r.Action == "warn" {
			t.Errorf("%s %s: %s", r.Action, r.Policy, r.Message)
		}
	}
}

func TestAdmissionCerts(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "certs")
	code, out, errOut := run(t, "admission", "certs", "--out", dir, "--namespace", "guard", "--hosts", "paved.example.com,10.0.0.7", "--days", "30")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, s := range []string{
		"kubectl -n guard create secret tls paved-tls --cert " + filepath.Join(dir, "tls.crt") + " --key " + filepath.Join(dir, "tls.key"),
		"paved admission install-manifests --namespace guard --ca-bundle " + filepath.Join(dir, "ca.crt") + " | kubectl apply -f -",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("next steps lack %q:\n%s", s, out)
		}
	}
	for _, f := range []string{"ca.crt", "ca.key", "tls.crt", "tls.key"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	// The CA it wrote is a valid --ca-bundle.
	if code, _, errOut := run(t, "admission", "install-manifests", "--namespace", "guard", "--ca-bundle", filepath.Join(dir, "ca.crt")); code != 0 {
		t.Errorf("install-manifests rejects the CA certs wrote: %s", errOut)
	}
	if code, _, _ := run(t, "admission", "certs", "--out", dir, "--force"); code != 0 {
		t.Error("--force did not overwrite")
	}
}

func TestAdmissionErrors(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.txt")
	os.WriteFile(notPEM, []byte("hello"), 0o644)
	empty := filepath.Join(dir, "empty.crt")
	os.WriteFile(empty, nil, 0o644)
	existing := filepath.Join(dir, "existing")
	if code, _, errOut := run(t, "admission", "certs", "--out", existing); code != 0 {
		t.Fatal(errOut)
	}
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"bad failure policy", []string{"install-manifests", "--failure-policy", "Never"}, `--failure-policy "Never" is not a failure policy; use Fail (reject requests when paved does not answer) or Ignore (admit them)`},
		{"lower-case failure policy", []string{"install-manifests", "--failure-policy", "ignore"}, `--failure-policy "ignore" is not a failure policy`},
		{"missing CA file", []string{"install-manifests", "--ca-bundle", filepath.Join(dir, "nope.crt")}, "--ca-bundle " + filepath.Join(dir, "nope.crt") + ": cannot read: no such file or directory"},
		{"empty CA file", []string{"install-manifests", "--ca-bundle", empty}, "--ca-bundle " + empty + ": is empty; use the PEM CA certificate"},
		{"CA not PEM", []string{"install-manifests", "--ca-bundle", notPEM}, "--ca-bundle " + notPEM + " is not PEM; use the PEM CA certificate (ca.crt from paved admission certs)"},
		{"CA is a key", []string{"install-manifests", "--ca-bundle", filepath.Join(existing, "ca.key")}, "--ca-bundle " + filepath.Join(existing, "ca.key") + " has a PEM block of type PRIVATE KEY; use only CERTIFICATE blocks"},
		{"bad namespace", []string{"install-manifests", "--namespace", "Platform"}, `--namespace "Platform" is not a valid namespace name`},
		{"bad exempt namespace", []string{"install-manifests", "--exempt-namespace", "kube_system"}, `--exempt-namespace "kube_system" is not a valid namespace name`},
		{"http webhook URL", []string{"install-manifests", "--webhook-url", "http://paved.example.com"}, `--webhook-url "http://paved.example.com" is not valid; use an https URL`},
		{"zero replicas", []string{"install-manifests", "--replicas", "0"}, ""}, // 0 means the default
		{"negative replicas", []string{"install-manifests", "--replicas", "-1"}, "--replicas -1 is not valid; use 1 or more"},
		{"arguments", []string{"install-manifests", "extra"}, "expects no arguments"},
		{"certs without --out", []string{"certs"}, "--out is required"},
		{"certs bad namespace", []string{"certs", "--out", dir, "--namespace", "a.b"}, `--namespace "a.b" is not a valid namespace name`},
		{"certs zero days", []string{"certs", "--out", dir, "--days", "0"}, "--days 0 is not valid; use a number of days of 1 or more"},
		{"certs existing files", []string{"certs", "--out", existing}, filepath.Join(existing, "ca.crt") + " already exists; remove it or overwrite it (paved admission certs --force)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, append([]string{"admission"}, tt.args...)...)
			wantCode := 2
			if tt.stderr == "" {
				wantCode = 0
			}
			if code != wantCode || !strings.Contains(errOut, tt.stderr) {
				t.Fatalf("exit %d (want %d)\nstderr: %s\nwant stderr to contain %q", code, wantCode, errOut, tt.stderr)
			}
			if wantCode != 0 && out != "" {
				t.Errorf("printed manifests despite the error:\n%.200s", out)
			}
		})
	}
}
