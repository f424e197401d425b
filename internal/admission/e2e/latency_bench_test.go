package e2e

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/kubetest"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// BenchmarkAddedLatency measures what paved's webhooks add to a create
// through a real kube-apiserver: the same compliant pods created by 50
// concurrent clients with no webhooks, then with paved's validating and
// mutating webhooks registered. Run it once:
//
//	PAVED_TEST_KUBE_APISERVER=$(scripts/kube-apiserver.sh) \
//	  go test -run '^$' -bench AddedLatency -benchtime 1x ./internal/admission/e2e/
func BenchmarkAddedLatency(b *testing.B) {
	const clients, creates = 50, 2000
	c := kubetest.Start(b)
	p := startPaved(b, b.TempDir())
	ctx := context.Background()
	for _, ns := range []string{"plain", "shop"} {
		if _, err := c.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	// No client-side rate limit: only the servers' latency counts.
	cfg := rest.CopyConfig(c.Config)
	cfg.QPS = -1
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		b.Fatal(err)
	}
	without := createMany(b, client, "plain", clients, creates)
	registerWebhooks(b, c.Client, p, "Fail")
	waitDenied(b, c.Client, "shop")
	with := createMany(b, client, "shop", clients, creates)
	p50a, p99a := percentile(without, 50), percentile(without, 99)
	p50b, p99b := percentile(with, 50), percentile(with, 99)
	b.ReportMetric(float64(p50a.Microseconds())/1000, "p50-plain-ms")
	b.ReportMetric(float64(p99a.Microseconds())/1000, "p99-plain-ms")
	b.ReportMetric(float64(p50b.Microseconds())/1000, "p50-paved-ms")
	b.ReportMetric(float64(p99b.Microseconds())/1000, "p99-paved-ms")
	b.ReportMetric(float64((p99b-p99a).Microseconds())/1000, "p99-added-ms")
	b.Logf("%d pod creates by %d clients: no webhooks p50 %v p99 %v; paved's webhooks p50 %v p99 %v (added p99 %v)",
		creates, clients, p50a, p99a, p50b, p99b, p99b-p99a)
}

// createMany creates n compliant pods in ns from clients goroutines and
// returns each create's latency.
func createMany(b *testing.B, client kubernetes.Interface, ns string, clients, n int) []time.Duration {
	b.Helper()
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	next := make(chan int)
	var firstErr error
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				pod := podOf(fmt.Sprintf("p-%d", i), restrictedContainer("ghcr.io/shop/app:1.0"))
				pod.Labels = map[string]string{"team": "storefront", "service": "shopfront", "environment": "prod"}
				start := time.Now()
				_, err := client.CoreV1().Pods(ns).Create(context.Background(), pod, metav1.CreateOptions{})
				d := time.Since(start)
				mu.Lock()
				lat = append(lat, d)
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		b.Fatalf("create in %s: %v", ns, firstErr)
	}
	return lat
}

func percentile(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[(len(s)-1)*p/100]
}
