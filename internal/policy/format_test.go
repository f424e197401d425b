package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite golden files")

// sampleReport checks three documents against the test policies with one
// enforced, one warned and one excepted result.
func sampleReport(t *testing.T) Report {
	t.Helper()
	ctx := context.Background()
	cfg := config.Default()
	cfg.Policies = map[string]config.PolicyRollout{"min-replicas": {Mode: "enforce"}}
	cfg.Exceptions = []config.PolicyException{{Policy: "min-replicas", Resource: "Deployment/shop/legacy", Reason: "being retired", Approver: "platform-lead", Expires: "2027-03-31"}}
	e, err := NewEngine(ctx, Options{NoBuiltin: true, Dirs: []string{"testdata/custom", "testdata/conftest"}})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := NewRollout(cfg, e.Policies(), nil)
	ex, _ := ConfigExceptions(cfg)
	snap := catalog.Snapshot{Teams: []catalog.Team{{Name: "payments"}}}
	c := &Checker{Engine: e, Rollout: r, Exceptions: ex, Index: catalog.NewIndex(snap, config.Default().Ownership)}
	docs := []Document{
		deployment("web", 1, true, map[string]any{"team": "payments"}),
		deployment("legacy", 1, true, map[string]any{"team": "payments"}),
		deployment("api", 3, true, nil),
		service("lb", "LoadBalancer"),
	}
	rep, err := c.Check(ctx, docs, CheckOptions{Now: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), Files: 4})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestFormatsGolden(t *testing.T) {
	rep := sampleReport(t)
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, rep, format, "test"); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "golden", "report."+format)
			if *update {
				os.WriteFile(golden, b.Bytes(), 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if b.String() != string(want) {
				t.Errorf("%s output differs from %s (run with -update to accept):\n%s", format, golden, b.String())
			}
		})
	}
}

func TestSARIFMatchesSchema(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, sampleReport(t), "sarif", "test"); err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile("testdata/sarif-github.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Fatalf("SARIF output does not match the schema: %v", err)
	}
	var log sarifLog
	json.Unmarshal(b.Bytes(), &log)
	levels := map[string]int{}
	for _, r := range log.Runs[0].Results {
		levels[r.Level]++
		if r.Level == "note" && len(r.Suppressions) == 0 {
			t.Errorf("excepted result without a suppression: %+v", r)
		}
	}
	if levels["error"] != 1 || levels["warning"] != 1 || levels["note"] != 1 {
		t.Errorf("levels = %v", levels)
	}
}

func TestJUnitCountsEveryPolicyResourcePair(t *testing.T) {
	rep := sampleReport(t)
	var b bytes.Buffer
	Write(&b, rep, "junit", "test")
	var suites junitSuites
	if err := xml.Unmarshal(b.Bytes(), &suites); err != nil {
		t.Fatal(err)
	}
	// 4 resources × 2 policies (min-replicas, main) = 8 cases; 1 denied,
	// 1 warned (the LoadBalancer).
	if suites.Tests != 8 || suites.Failures != 1 || suites.Skipped != 1 {
		t.Fatalf("tests=%d failures=%d skipped=%d\n%s", suites.Tests, suites.Failures, suites.Skipped, b.String())
	}
}

func TestTableSaysWhenTeamCheckWasSkipped(t *testing.T) {
	rep := sampleReport(t)
	rep.Summary.TeamCheck = "skipped"
	var b bytes.Buffer
	Write(&b, rep, "table", "test")
	if !strings.Contains(b.String(), "team-exists check was skipped") {
		t.Fatal(b.String())
	}
}
