// Command genreview writes the AdmissionReviews bench/admission.sh sends
// (package review builds them; internal/admission's BenchmarkValidate
// uses the same bytes):
//
//	go run ./bench/genreview -out review.json -deny-out review-deny.json
//
// review.json is the CREATE of a production-shaped Deployment, about
// 3.4 KB of JSON, that passes the whole built-in pack; review-deny.json is
// the same Deployment with violations. The output is deterministic.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/paved-dev/paved/bench/genreview/review"
)

func main() {
	out := flag.String("out", "", "file for the compliant Deployment's AdmissionReview")
	denyOut := flag.String("deny-out", "", "file for the AdmissionReview of the Deployment with violations")
	flag.Parse()
	if *out == "" && *denyOut == "" {
		fmt.Fprintln(os.Stderr, "genreview: use -out FILE and/or -deny-out FILE")
		os.Exit(2)
	}
	for _, f := range []struct {
		path       string
		violations bool
	}{{*out, false}, {*denyOut, true}} {
		if f.path == "" {
			continue
		}
		body, err := review.Deployment(f.violations)
		if err == nil {
			err = os.WriteFile(f.path, body, 0o644)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "genreview:", err)
			os.Exit(1)
		}
	}
}
