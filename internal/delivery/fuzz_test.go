package delivery

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedDir adds every testdata payload under dir to f, compacted, with
// the extra arguments args gives for its file name.
func seedDir(f *testing.F, dir string, args func(name string) []any) {
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds in testdata/%s: %v", dir, err)
	}
	for _, file := range files {
		body, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(append(args(filepath.Base(file)), compactSeed(f, body))...)
	}
}

// compactSeed drops what no parser reads (API links, people, reactions)
// from a payload: the fuzzer mutates a 1 KiB seed thousands of times
// faster than a 25 KiB one, and the shape is what matters.
func compactSeed(f *testing.F, body []byte) []byte {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		f.Fatal(err)
	}
	var strip func(any) any
	strip = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, val := range x {
				drop := strings.HasSuffix(k, "_url") && k != "html_url" && k != "web_url" && k != "commit_url" && k != "clone_url"
				switch k {
				case "sender", "owner", "user", "creator", "assignee", "assignees", "reviewers", "reactions", "_links",
					"merged_by", "requested_reviewers", "hook", "base", "license", "node_id", "added", "removed", "modified":
					drop = true
				}
				if drop {
					delete(x, k)
				} else {
					x[k] = strip(val)
				}
			}
		case []any:
			for i := range x {
				x[i] = strip(x[i])
			}
		}
		return v
	}
	out, err := json.Marshal(strip(v))
	if err != nil {
		f.Fatal(err)
	}
	return out
}

// checkEvent holds what any parsed event must satisfy: exactly one
// operation unless ignored, and commit ids that are lower-case hex.
func checkEvent(t *testing.T, ev *event) {
	t.Helper()
	ops := 0
	for _, set := range []bool{ev.deploy != nil, ev.push != nil, ev.change != nil, ev.incident != nil} {
		if set {
			ops++
		}
	}
	if ev.ignored != "" && ops != 0 || ev.ignored == "" && ops != 1 {
		t.Fatalf("event has %d operations and ignored %q", ops, ev.ignored)
	}
	lowerHex := func(field, s string) {
		if s != "" && (!isHex(s) || strings.ToLower(s) != s) {
			t.Fatalf("%s %q is not a lower-case commit id", field, s)
		}
	}
	if d := ev.deploy; d != nil {
		lowerHex("deploy.sha", d.sha)
		if d.status != StatusSuccess && d.status != StatusFailure {
			t.Fatalf("status %q", d.status)
		}
		if d.environment == "" {
			t.Fatal("deployment without environment")
		}
	}
	if p := ev.push; p != nil {
		for _, c := range p.commits {
			lowerHex("push commit", c.sha)
		}
	}
	if c := ev.change; c != nil {
		lowerHex("change.sha", c.sha)
		lowerHex("change.headSHA", c.headSHA)
	}
}

func FuzzParseGitHub(f *testing.F) {
	seedDir(f, "github", func(name string) []any {
		kind := strings.TrimSuffix(name, ".json")
		for _, k := range []string{"deployment_status", "push", "pull_request", "issues", "ping"} {
			if strings.HasPrefix(kind, k) {
				return []any{k}
			}
		}
		return []any{kind}
	})
	f.Add("push", []byte(`{"ref": "refs/heads/main", "repository": {"html_url": "https://github.com/a/b", "default_branch": "main"}, "commits": [{"id": "ABCDEF1", "timestamp": 1700000000}]}`))
	f.Fuzz(func(t *testing.T, kind string, body []byte) {
		ev, err := parseGitHub(kind, body, []string{"incident"})
		if err != nil {
			if ev != nil {
				t.Fatal("an event and an error")
			}
			return
		}
		checkEvent(t, ev)
	})
}

func FuzzParseGitLab(f *testing.F) {
	seedDir(f, "gitlab", func(string) []any { return []any{""} })
	f.Add("Push Hook", []byte(`{"object_kind": "push", "ref": "refs/heads/master", "project": {"web_url": "http://x/y", "default_branch": "master"}, "commits": [{"id": "abcdef12", "timestamp": "2021-04-28 21:50:00 +0200"}]}`))
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		ev, err := parseGitLab(header, body, []string{"incident"})
		if err != nil {
			return
		}
		checkEvent(t, ev)
	})
}

func FuzzParseCDEvent(f *testing.F) {
	for _, dir := range []string{"cdevents/v0.4", "cdevents/v0.5"} {
		seedDir(f, dir, func(string) []any { return []any{"application/json", ""} })
	}
	seedDir(f, "cdevents", func(string) []any { return []any{"application/cloudevents+json", ""} })
	f.Add("application/json", "dev.cdevents.service.deployed.0.3.0", []byte(`{"context": {"id": "1", "timestamp": "2024-01-01T00:00:00Z"}, "subject": {"id": "s", "content": {"environment": "prod", "artifactId": "pkg:github/a/b@abcdef1234"}}}`))
	f.Fuzz(func(t *testing.T, contentType, ceType string, body []byte) {
		h := http.Header{}
		h.Set("Content-Type", contentType)
		if ceType != "" {
			h.Set("Ce-Type", ceType)
			h.Set("Ce-Id", "id-1")
			h.Set("Ce-Source", "/fuzz")
		}
		ev, key, err := parseCDEvent(h, body, func(string) (bool, bool) { return false, false })
		if err != nil {
			return
		}
		if key == "" {
			t.Fatal("an accepted CDEvent without a key")
		}
		checkEvent(t, ev)
	})
}

func FuzzJSONTime(f *testing.F) {
	for _, s := range []string{`"2024-05-01T10:00:00Z"`, `"2021-04-28 21:50:00 +0200"`, `"2016-08-12 15:23:28 UTC"`, `1557933657`, `null`, `"x"`, `-1`, `1e300`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var tm jsonTime
		if err := tm.UnmarshalJSON(b); err != nil {
			t.Fatalf("jsonTime never fails: %v", err)
		}
		if tm.bad && tm.ms != 0 {
			t.Fatalf("a bad time with a value: %+v", tm)
		}
	})
}
