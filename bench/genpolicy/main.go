// Command genpolicy writes the corpus for bench/policy.sh: N mixed
// Kubernetes manifests (as separate files and as one multi-document file)
// and Terraform plans (terraform show -json) of a given size. The mix and
// the share of violations are fixed so runs compare like with like.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	manifests := flag.Int("manifests", 0, "number of Kubernetes manifests to write")
	dir := flag.String("dir", "", "directory for manifests/ and all.yaml")
	plan := flag.Int("plan", 0, "number of resources in a Terraform plan")
	out := flag.String("out", "", "plan file to write")
	flag.Parse()
	var err error
	switch {
	case *manifests > 0 && *dir != "":
		err = writeManifests(*dir, *manifests)
	case *plan > 0 && *out != "":
		err = writePlan(*out, *plan)
	default:
		err = fmt.Errorf("use -manifests N -dir DIR or -plan N -out FILE")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genpolicy:", err)
		os.Exit(2)
	}
}

func writeManifests(dir string, n int) error {
	if err := os.MkdirAll(filepath.Join(dir, "manifests"), 0o755); err != nil {
		return err
	}
	all, err := os.Create(filepath.Join(dir, "all.yaml"))
	if err != nil {
		return err
	}
	defer all.Close()
	w := bufio.NewWriter(all)
	for i := 0; i < n; i++ {
		doc := manifest(i)
		if err := os.WriteFile(filepath.Join(dir, "manifests", fmt.Sprintf("m%05d.yaml", i)), []byte(doc), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(w, "---\n%s", doc)
	}
	return w.Flush()
}

// manifest returns the i-th manifest: 40% Deployments, 20% Services, 15%
// ConfigMaps, 10% StatefulSets, 10% CronJobs, 5% Pods; every third
// workload breaks a rule or two.
func manifest(i int) string {
	team := fmt.Sprintf("team-%d", i%25)
	svc := fmt.Sprintf("svc-%d", i)
	ns := svc + "-prod"
	bad := i%3 == 0
	image := fmt.Sprintf("ghcr.io/example-shop/%s:1.%d.0", svc, i%40)
	if bad {
		image = "nginx:latest"
	}
	user := "runAsNonRoot: true\n            runAsUser: 10001"
	if bad {
		user = "runAsUser: 0"
	}
	labels := fmt.Sprintf("team: %s\n    service: %s\n    environment: prod", team, svc)
	container := fmt.Sprintf(`- name: app
          image: %s
          ports:
            - containerPort: 8080
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
            %s
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {memory: 256Mi}
          readinessProbe:
            httpGet: {path: /ready, port: 8080}
          livenessProbe:
            httpGet: {path: /healthz, port: 8080}`, image, user)
	podSpec := fmt.Sprintf(`securityContext:
        seccompProfile: {type: RuntimeDefault}
      containers:
        %s`, container)
	switch k := i % 20; {
	case k < 8:
		return fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: %s
  namespace: %s
  labels:
    %s
spec:
  replicas: 3
  selector:
    matchLabels: {app: %s}
  template:
    metadata:
      labels: {app: %s}
    spec:
      %s
`, svc, ns, labels, svc, svc, podSpec)
	case k < 12:
		typ := "ClusterIP"
		if bad {
			typ = "LoadBalancer"
		}
		return fmt.Sprintf(`apiVersion: v1
kind: Service
metadata:
  name: %s
  namespace: %s
  labels:
    %s
spec:
  type: %s
  selector: {app: %s}
  ports:
    - port: 80
      targetPort: 8080
`, svc, ns, labels, typ, svc)
	case k < 15:
		return fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata:
  name: %s-config
  namespace: %s
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "a,b,c"
`, svc, ns)
	case k < 17:
		return fmt.Sprintf(`apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: %s
  namespace: %s
  labels:
    %s
spec:
  serviceName: %s
  replicas: 3
  selector:
    matchLabels: {app: %s}
  template:
    metadata:
      labels: {app: %s}
    spec:
      %s
`, svc, ns, labels, svc, svc, svc, podSpec)
	case k < 19:
		return fmt.Sprintf(`apiVersion: batch/v1
kind: CronJob
metadata:
  name: %s
  namespace: %s
  labels:
    %s
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          %s
`, svc, ns, labels, indent(podSpec, "    "))
	default:
		return fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata:
  name: %s
  namespace: default
  labels:
    %s
spec:
  %s
`, svc, labels, strings.ReplaceAll(podSpec, "\n    ", "\n"))
	}
}

func indent(s, by string) string {
	out := ""
	for i, line := range splitLines(s) {
		if i > 0 {
			out += "\n" + by
		}
		out += line
	}
	return out
}

func splitLines(s string) []string {
	var lines []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			lines = append(lines, s[start:i])
			start = i + 1
		}
	}
	return append(lines, s[start:])
}

// writePlan writes a plan of n resources shaped like `terraform show -json`:
// S3 buckets with their public access blocks, instances, security groups,
// RDS instances, GCS buckets and Azure storage accounts, tagged or not.
func writePlan(path string, n int) error {
	type change struct {
		Actions      []string       `json:"actions"`
		Before       any            `json:"before"`
		After        map[string]any `json:"after"`
		AfterUnknown map[string]any `json:"after_unknown"`
	}
	type rc struct {
		Address      string `json:"address"`
		Mode         string `json:"mode"`
		Type         string `json:"type"`
		Name         string `json:"name"`
		ProviderName string `json:"provider_name"`
		Change       change `json:"change"`
	}
	var changes []rc
	for i := 0; i < n; i++ {
		tags := map[string]any{"team": fmt.Sprintf("team-%d", i%25), "service": fmt.Sprintf("svc-%d", i%500), "environment": "prod"}
		if i%4 == 0 {
			delete(tags, "service")
		}
		name := fmt.Sprintf("r%d", i)
		var c rc
		switch i % 6 {
		case 0:
			c = rc{Type: "aws_s3_bucket", ProviderName: "registry.terraform.io/hashicorp/aws",
				Change: change{After: map[string]any{"bucket": "shop-" + name, "force_destroy": false, "tags": tags, "tags_all": tags},
					AfterUnknown: map[string]any{"arn": true, "id": true, "bucket_domain_name": true, "region": true}}}
		case 1:
			blocked := i%12 != 1
			c = rc{Type: "aws_s3_bucket_public_access_block", ProviderName: "registry.terraform.io/hashicorp/aws",
				Change: change{After: map[string]any{"block_public_acls": blocked, "block_public_policy": blocked, "ignore_public_acls": true, "restrict_public_buckets": true},
					AfterUnknown: map[string]any{"bucket": true, "id": true}}}
		case 2:
			c = rc{Type: "aws_instance", ProviderName: "registry.terraform.io/hashicorp/aws",
				Change: change{After: map[string]any{"ami": "ami-0c55b159cbfafe1f0", "instance_type": "t3.medium", "monitoring": true,
					"root_block_device": []any{map[string]any{"encrypted": true, "volume_size": 50, "volume_type": "gp3"}},
					"metadata_options":  []any{map[string]any{"http_tokens": "required", "http_endpoint": "enabled"}}, "tags": tags, "tags_all": tags},
					AfterUnknown: map[string]any{"arn": true, "id": true, "private_ip": true, "public_ip": true, "primary_network_interface_id": true}}}
		case 3:
			c = rc{Type: "aws_security_group", ProviderName: "registry.terraform.io/hashicorp/aws",
				Change: change{After: map[string]any{"name": "sg-" + name, "description": "app", "ingress": []any{map[string]any{"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": []any{"10.0.0.0/8"}}},
					"egress": []any{map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}}, "tags": tags, "tags_all": tags},
					AfterUnknown: map[string]any{"arn": true, "id": true, "owner_id": true, "vpc_id": true}}}
		case 4:
			c = rc{Type: "google_storage_bucket", ProviderName: "registry.terraform.io/hashicorp/google",
				Change: change{After: map[string]any{"name": "shop-" + name, "location": "EU", "uniform_bucket_level_access": i%12 != 4, "public_access_prevention": "enforced",
					"labels": tags, "terraform_labels": tags, "versioning": []any{map[string]any{"enabled": true}}},
					AfterUnknown: map[string]any{"id": true, "self_link": true, "url": true, "project": true}}}
		default:
			c = rc{Type: "azurerm_storage_account", ProviderName: "registry.terraform.io/hashicorp/azurerm",
				Change: change{After: map[string]any{"name": fmt.Sprintf("shop%d", i), "resource_group_name": "shop", "location": "westeurope", "account_tier": "Standard",
					"account_replication_type": "GRS", "allow_nested_items_to_be_public": false, "public_network_access_enabled": false, "min_tls_version": "TLS1_2", "tags": tags},
					AfterUnknown: map[string]any{"id": true, "primary_blob_endpoint": true, "primary_access_key": true}}}
		}
		c.Address, c.Mode, c.Name = c.Type+"."+name, "managed", name
		c.Change.Actions = []string{"create"}
		changes = append(changes, c)
	}
	plan := map[string]any{"format_version": "1.2", "terraform_version": "1.9.5", "resource_changes": changes,
		"planned_values": map[string]any{"root_module": map[string]any{}}, "configuration": map[string]any{"root_module": map[string]any{}}}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(plan); err != nil {
		return err
	}
	return w.Flush()
}
