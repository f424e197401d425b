package input

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// golden compares docs, as indented JSON, with testdata/golden/name.
func golden(t *testing.T, name string, docs []policy.Document) {
	t.Helper()
	got, err := json.MarshalIndent(docs, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what Read produced (go test -update rewrites it); got:\n%s", path, got)
	}
}

func TestReadGolden(t *testing.T) {
	for _, tc := range []struct{ path, golden string }{
		{"testdata/kubernetes/helm.yaml", "helm.json"},
		{"testdata/kubernetes/list.json", "list.json"},
		{"testdata/plan/plan.json", "plan.json"},
		{"testdata/tf/app", "tf-app.json"},
		{"testdata/docker/Dockerfile", "dockerfile.json"},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			docs, err := ReadPath(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.golden, docs)
		})
	}
}

func TestReadStdinDetectsType(t *testing.T) {
	for _, tc := range []struct {
		file, kind string
	}{
		{"testdata/kubernetes/helm.yaml", policy.KindKubernetes},
		{"testdata/kubernetes/list.json", policy.KindKubernetes},
		{"testdata/plan/plan.json", policy.KindTerraform},
		{"testdata/tf/app/main.tf", policy.KindTerraform},
		{"testdata/docker/Dockerfile", policy.KindDockerfile},
	} {
		data, err := os.ReadFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		docs, err := Read("-", bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if len(docs) == 0 || docs[0].Kind != tc.kind {
			t.Errorf("%s on stdin: got %d documents, first %+v; want kind %s", tc.file, len(docs), docs, tc.kind)
		}
		if docs[0].File != "-" {
			t.Errorf("%s on stdin: file %q, want -", tc.file, docs[0].File)
		}
	}
}

func TestKubernetes(t *testing.T) {
	docs, err := ReadPath("testdata/kubernetes/helm.yaml")
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		res  string
		line int
	}
	var got []want
	for _, d := range docs {
		got = append(got, want{d.Resource.String(), d.Line})
	}
	expect := []want{
		{"ServiceAccount/shop/checkout", 3},
		{"ConfigMap/shop/checkout-config", 15},
		{"Service/shop/checkout", 29},
		{"Deployment/shop/checkout", 48},
		{"CronJob/shop/checkout-report", 99},
		{"Namespace/shop", 125},
		{"Ingress/shop/checkout", 131},
	}
	if len(got) != len(expect) {
		t.Fatalf("got %v, want %v", got, expect)
	}
	for i := range expect {
		if got[i] != expect[i] {
			t.Errorf("document %d: got %v, want %v", i, got[i], expect[i])
		}
	}
	dep := docs[3]
	if dep.Labels["environment"] != "prod" || dep.Labels["app.kubernetes.io/name"] != "checkout" || dep.Labels["version"] != "1.1" {
		t.Errorf("Deployment labels: own labels must win over the pod template's (and an unquoted 1.10 is the number 1.1): %v", dep.Labels)
	}
	spec := dep.Input.(map[string]any)["spec"].(map[string]any)
	if spec["replicas"] != json.Number("3") || spec["revisionHistoryLimit"] != json.Number("10") {
		t.Errorf("numbers must be json.Number: %#v %#v", spec["replicas"], spec["revisionHistoryLimit"])
	}
	if docs[5].Labels["team"] != "payments" || docs[6].Labels["team"] != "payments" || docs[6].Labels["app"] != "checkout-web" {
		t.Errorf("List items: labels %v %v", docs[5].Labels, docs[6].Labels)
	}
	if cj := docs[4]; cj.Labels["team"] != "payments" || cj.Labels["app.kubernetes.io/name"] != "checkout" {
		t.Errorf("CronJob labels: %v", cj.Labels)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		file string
		line int
		msg  string
	}{
		{"testdata/errors/not-k8s.yaml", 7, "not a Kubernetes object: missing kind"},
		{"testdata/errors/bad-yaml.yaml", 10, "invalid YAML: mapping values are not allowed in this context"},
		{"testdata/errors/bad.tf", 1, "invalid Terraform: Unclosed configuration block"},
		{"testdata/errors/Dockerfile", 1, "invalid Dockerfile: no instructions"},
		{"testdata/errors/dup.yaml", 5, `invalid YAML: key "name" appears twice`},
		{"testdata/errors/missing-api.yaml", 1, "not a Kubernetes object: missing apiVersion"},
		{"testdata/does-not-exist.yaml", 0, "cannot read: no such file or directory"},
	} {
		_, err := ReadPath(tc.file)
		var ie *Error
		if !errors.As(err, &ie) {
			t.Errorf("%s: got %v, want an *input.Error", tc.file, err)
			continue
		}
		if ie.File != tc.file || ie.Line != tc.line || !strings.Contains(ie.Msg, tc.msg) {
			t.Errorf("%s: got %q (file %q line %d), want line %d and %q", tc.file, err, ie.File, ie.Line, tc.line, tc.msg)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"a.yaml", "- a\n- b\n", "a.yaml:1: not a Kubernetes object: expected a mapping with apiVersion and kind, found a list"},
		{"a.yaml", "apiVersion: v1\nkind: List\nitems:\n- 3\n", "a.yaml:4: not a Kubernetes object: item 0 of the List is a number"},
		{"a.yaml", "apiVersion: v1\nkind: 3\n", "a.yaml:1: not a Kubernetes object: kind must be a non-empty string, found a number"},
		{"a.json", `{"apiVersion": "v1", "kind": "Pod",}`, "a.json:1: invalid JSON: expected a string object key, found '}'"},
		{"a.json", "{\"format_version\": \"9.0\", \"resource_changes\": []}", "a.json:1: unsupported Terraform plan"},
		{"a.json", "{\"format_version\": \"1.2\",\n \"resource_changes\": [{\"change\": {}}]}", "a.json:2: invalid JSON: resource change without an address"},
		{"a.tf", "resource \"aws_s3_bucket\" {\n}\n", "a.tf:1: a resource block needs a type and a name"},
		{"a.yaml", "a: *nope\n", "a.yaml:1: invalid YAML: unknown anchor 'nope' referenced"},
	} {
		_, err := Read(tc.name, strings.NewReader(tc.src))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("Read(%q, %q): got %v, want %q", tc.name, tc.src, err, tc.want)
		}
	}
}

func TestEmptyInputs(t *testing.T) {
	for _, src := range []string{"", "---\n", "# only a comment\n", "---\n---\n...\n", "null\n"} {
		docs, err := Read("empty.yaml", strings.NewReader(src))
		if err != nil || len(docs) != 0 {
			t.Errorf("Read(%q): got %d documents, %v; want none", src, len(docs), err)
		}
	}
}

func TestYAMLDirectivesAndMarkers(t *testing.T) {
	src := "%YAML 1.1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n--- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n...\n---\n# c\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
	docs, err := Read("d.yaml", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range docs {
		got = append(got, d.Resource.Name+":"+strconv.Itoa(d.Line))
	}
	if strings.Join(got, " ") != "a:3 b:6 c:10" {
		t.Errorf("got %v", got)
	}
}

func jsonInt(i int) string { return strconv.Itoa(i) }

func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		b.WriteString("a" + jsonInt(i) + ": &a" + jsonInt(i) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + jsonInt(i-1))
		}
		b.WriteString("]\n")
	}
	_, err := Read("bomb.yaml", strings.NewReader(b.String()))
	if err == nil || !strings.Contains(err.Error(), "too many") {
		t.Errorf("got %v, want an error about aliases", err)
	}
}

func TestPlan(t *testing.T) {
	docs, err := ReadPath("testdata/plan/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	byAddr := map[string]policy.Document{}
	var module policy.Document
	for _, d := range docs {
		if d.Kind == policy.KindTerraformModule {
			module = d
			continue
		}
		byAddr[d.Resource.Address] = d
	}
	for _, skipped := range []string{"aws_instance.old", "aws_iam_role.app", "data.aws_iam_policy_document.read"} {
		if _, ok := byAddr[skipped]; ok {
			t.Errorf("%s: delete, no-op and read changes are not checked", skipped)
		}
	}
	logs := byAddr["aws_s3_bucket.logs"]
	if logs.Line != 25 || logs.Tags["team"] != "platform" || logs.Tags["service"] != "log-shipper" {
		t.Errorf("aws_s3_bucket.logs: line %d tags %v", logs.Line, logs.Tags)
	}
	in := logs.Input.(map[string]any)
	if _, ok := in["values"].(map[string]any)["acl"]; ok {
		t.Errorf("unknown values must not be in values")
	}
	if in["provider"] != "aws" || in["source"] != "plan" {
		t.Errorf("input: %v", in)
	}
	pab := byAddr["aws_s3_bucket_public_access_block.logs"].Input.(map[string]any)
	if refs := pab["references"].(map[string]any)["bucket"].([]any); len(refs) != 1 || refs[0] != "aws_s3_bucket.logs" {
		t.Errorf("references: %v", pab["references"])
	}
	acl := byAddr[`module.storage.aws_s3_bucket_acl.assets["eu"]`].Input.(map[string]any)
	if refs := acl["references"].(map[string]any)["bucket"].([]any); len(refs) != 1 || refs[0] != "module.storage.aws_s3_bucket.assets" {
		t.Errorf("module references: %v", acl["references"])
	}
	assets := byAddr[`module.storage.aws_s3_bucket.assets["eu"]`]
	if _, ok := assets.Input.(map[string]any)["tags"]; ok || assets.Tags != nil {
		t.Errorf("tags_all unknown: tags must be left out, got %v", assets.Tags)
	}
	media := byAddr["google_storage_bucket.media"]
	if media.Tags["environment"] != "prod" || media.Account != "acme-prod-1234" {
		t.Errorf("google: tags %v account %q", media.Tags, media.Account)
	}
	if sg := byAddr["aws_security_group.web"]; sg.Tags != nil || sg.Account != "123456789012" {
		t.Errorf("security group: tags %v account %q", sg.Tags, sg.Account)
	}
	if web := byAddr["aws_instance.web"]; web.Tags == nil || len(web.Tags) != 0 {
		t.Errorf("replace: aws_instance.web must be checked, with known empty tags: %+v", web)
	}
	resources := module.Input.(map[string]any)["resources"].([]any)
	if len(resources) != 8 || len(module.Locations) != 8 {
		t.Errorf("module: %d resources, %d locations; want 8 (create, update, replace, no-op)", len(resources), len(module.Locations))
	}
	if loc := module.Locations["aws_iam_role.app"]; loc.Line != 186 {
		t.Errorf("location of aws_iam_role.app: %+v", loc)
	}
}

func TestHCL(t *testing.T) {
	docs, err := ReadPath("testdata/tf/app")
	if err != nil {
		t.Fatal(err)
	}
	byAddr := map[string]policy.Document{}
	for _, d := range docs {
		byAddr[d.Resource.Address] = d
	}
	if _, ok := byAddr["aws_instance.canary"]; ok {
		t.Errorf("count = 0 (var.replicas default) creates nothing")
	}
	logs := byAddr["aws_s3_bucket.logs"]
	in := logs.Input.(map[string]any)
	if in["values"].(map[string]any)["bucket"] != "checkout-prod-logs" {
		t.Errorf("bucket: %v", in["values"])
	}
	want := map[string]string{"service": "checkout", "team": "payments", "environment": "prod", "managed-by": "terraform"}
	if len(logs.Tags) != len(want) {
		t.Errorf("tags: got %v, want %v", logs.Tags, want)
	}
	for k, v := range want {
		if logs.Tags[k] != v {
			t.Errorf("tags: got %v, want %v", logs.Tags, want)
		}
	}
	if logs.File != filepath.Join("testdata", "tf", "app", "main.tf") || logs.Line != 9 {
		t.Errorf("location %s:%d", logs.File, logs.Line)
	}
	web := byAddr["aws_instance.web"]
	win := web.Input.(map[string]any)
	if web.Tags != nil {
		t.Errorf("aws.us default tags use var.team (no default): tags are unknown, got %v", web.Tags)
	}
	unknown := win["unknown"].(map[string]any)
	for _, k := range []string{"ami", "user_data", "network_interface"} {
		if unknown[k] != true {
			t.Errorf("unknown[%s] = %v, want true", k, unknown[k])
		}
	}
	rbd := win["values"].(map[string]any)["root_block_device"].([]any)[0].(map[string]any)
	if rbd["volume_size"] != json.Number("50") || rbd["encrypted"] != true {
		t.Errorf("root_block_device: %v", rbd)
	}
	if u := unknown["root_block_device"].([]any)[0].(map[string]any); u["kms_key_id"] != true {
		t.Errorf("unknown root_block_device: %v", u)
	}
	if _, ok := win["values"].(map[string]any)["lifecycle"]; ok {
		t.Errorf("lifecycle is a meta-argument, not a value")
	}
	pol := byAddr["aws_s3_bucket_policy.logs"].Input.(map[string]any)
	if pol["unknown"].(map[string]any)["policy"] != true {
		t.Errorf("policy uses local.bucket_arn (a resource attribute): unknown, got %v", pol)
	}
	if media := byAddr["google_storage_bucket.media"]; media.Tags["environment"] != "prod" || media.Tags["team"] != "media" {
		t.Errorf("google default_labels: %v", media.Tags)
	}
}

func TestDockerfile(t *testing.T) {
	docs, err := ReadPath("testdata/docker/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	cmds := docs[0].Input.([]any)
	var froms []string
	for _, c := range cmds {
		m := c.(map[string]any)
		if m["Cmd"] == "from" {
			froms = append(froms, m["Value"].([]any)[0].(string)+"@"+m["Stage"].(json.Number).String())
		}
	}
	if strings.Join(froms, " ") != "golang:${GO_VERSION}-alpine@0 ${BASE}@1" {
		t.Errorf("froms: %v", froms)
	}
}

func TestDetect(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"Dockerfile", "", typeDockerfile},
		{"build/app.Dockerfile", "", typeDockerfile},
		{"Dockerfile.prod", "", typeDockerfile},
		{"Containerfile", "", typeDockerfile},
		{"main.tf", "", typeHCL},
		{"x.yml", "", typeKubernetes},
		{"x.JSON", "", typeJSON},
		{"-", "# syntax=docker/dockerfile:1\nFROM alpine\n", typeDockerfile},
		{"-", "arg BASE=alpine\nfrom $BASE\n", typeDockerfile},
		{"-", "\n  {\"kind\": \"Pod\"}", typeJSON},
		{"-", "// c\nresource \"aws_s3_bucket\" \"b\" {\n}\n", typeHCL},
		{"-", "from: here\n", typeKubernetes},
		{"-", "apiVersion: v1\n", typeKubernetes},
	} {
		if got := detect(tc.name, []byte(tc.src)); got != tc.want {
			t.Errorf("detect(%q, %q) = %s, want %s", tc.name, tc.src, got, tc.want)
		}
	}
}

func TestReadPathDirectory(t *testing.T) {
	docs, err := ReadPath("testdata/tf")
	if err != nil {
		t.Fatal(err)
	}
	modules := 0
	for _, d := range docs {
		if d.Kind == policy.KindTerraformModule {
			modules++
			if d.Resource.Name != filepath.Join("testdata", "tf", "app") {
				t.Errorf("module name %q", d.Resource.Name)
			}
		}
	}
	if modules != 1 {
		t.Errorf("got %d module documents, want 1 per directory", modules)
	}
}

func TestReadPathSkipsWhatIsNoManifest(t *testing.T) {
	docs, err := ReadPath("testdata/repo")
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 || docs[0].Resource.String() != "Service/checkout" {
		t.Errorf("got %d documents (%v), want only the Service", len(docs), docs)
	}
	if _, err := ReadPath("testdata/repo/chart/values.yaml"); err == nil {
		t.Error("a named file that is no manifest must be an error")
	}
}
