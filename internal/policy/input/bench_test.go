package input

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"
)

// genManifests returns a Helm-style multi-document file of n objects
// (Deployments, Services and ConfigMaps, about 1.2 KiB each on average).
func genManifests(n int) []byte {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		switch i % 3 {
		case 0:
			fmt.Fprintf(&b, `---
# Source: app/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-%d
  namespace: team-%d
  labels:
    app.kubernetes.io/name: app-%d
    app.kubernetes.io/managed-by: Helm
    team: team-%d
spec:
  replicas: 3
  selector:
    matchLabels:
      app.kubernetes.io/name: app-%d
  template:
    metadata:
      labels:
        app.kubernetes.io/name: app-%d
        environment: prod
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
      containers:
        - name: app
          image: "registry.example.com/app:1.%d.0"
          ports:
            - containerPort: 8080
              name: http
          resources:
            limits: {cpu: 500m, memory: 256Mi}
            requests: {cpu: 100m, memory: 128Mi}
          readinessProbe:
            httpGet: {path: /healthz, port: http}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
`, i, i%40, i, i%40, i, i, i)
		case 1:
			fmt.Fprintf(&b, `---
# Source: app/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: app-%d
  namespace: team-%d
  labels: {app.kubernetes.io/name: app-%d, team: team-%d}
spec:
  type: ClusterIP
  ports:
    - {port: 80, targetPort: http, protocol: TCP, name: http}
  selector:
    app.kubernetes.io/name: app-%d
`, i, i%40, i, i%40, i)
		default:
			fmt.Fprintf(&b, `---
# Source: app/templates/configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-%d
  namespace: team-%d
data:
  LOG_LEVEL: info
  config.yaml: |
    server:
      port: 8080
      timeout: 30s
    features: [a, b, c]
`, i, i%40)
		}
	}
	return b.Bytes()
}

func BenchmarkKubernetes5000(b *testing.B) {
	data := genManifests(5000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		docs, err := readBytes("big.yaml", data)
		if err != nil || len(docs) != 5000 {
			b.Fatal(len(docs), err)
		}
	}
}

func BenchmarkPlan20000(b *testing.B) {
	data := genPlan(20000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		docs, err := readBytes("plan.json", data)
		if err != nil || len(docs) != 16001 {
			b.Fatal(len(docs), err)
		}
	}
}

func BenchmarkHCL(b *testing.B) {
	var src bytes.Buffer
	src.WriteString("variable \"env\" {\n  default = \"prod\"\n}\nlocals {\n  tags = { team = \"payments\", environment = var.env }\n}\n")
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&src, "resource \"aws_s3_bucket\" \"b%d\" {\n  bucket = \"b%d-${var.env}\"\n  tags = merge(local.tags, { service = \"s%d\" })\n}\n", i, i, i)
	}
	data := src.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := readBytes("main.tf", data); err != nil {
			b.Fatal(err)
		}
	}
}

// retained returns the heap that the documents read from data hold on to
// and the peak heap seen while reading them, in MiB.
func retained(t testing.TB, name string, data []byte) (held, peak float64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	done := make(chan struct{})
	peakc := make(chan uint64)
	go func() {
		var m runtime.MemStats
		var max uint64
		for {
			select {
			case <-done:
				peakc <- max
				return
			default:
			}
			runtime.ReadMemStats(&m)
			if m.HeapInuse > max {
				max = m.HeapInuse
			}
		}
	}()
	docs, err := readBytes(name, data)
	close(done)
	max := <-peakc
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(docs)
	const mib = 1 << 20
	return float64(after.HeapAlloc-before.HeapAlloc) / mib, float64(max-before.HeapInuse) / mib
}

// TestMemory keeps the memory the big inputs need in check: what the
// documents hold and the peak while reading, against the file's size.
func TestMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a 42 MB plan")
	}
	for _, tc := range []struct {
		name string
		data []byte
		max  float64 // MiB the peak may reach
	}{
		{"big.yaml", genManifests(5000), 64},
		{"plan.json", genPlan(20000), 200},
	} {
		held, peak := retained(t, tc.name, tc.data)
		size := float64(len(tc.data)) / (1 << 20)
		t.Logf("%s: %.1f MiB file, documents hold %.1f MiB (%.1fx), peak heap while reading %.1f MiB", tc.name, size, held, held/size, peak)
		if peak > tc.max {
			t.Errorf("%s: peak heap %.1f MiB, want at most %.0f MiB", tc.name, peak, tc.max)
		}
	}
}
