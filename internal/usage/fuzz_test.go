package usage

import (
	"encoding/json"
	"errors"
	"github.com/paved-dev/paved/internal/slug"
	"net/http"
	"os"
	"strings"
	"testing"
	"unicode"

	"github.com/paved-dev/paved/internal/api"
)

// FuzzParseEvents: whatever a client posts, ParseEvents returns events
// that are valid and normalised, or a 400 that names a field — never a
// panic, never an event the store would choke on.
func FuzzParseEvents(f *testing.F) {
	fixture, err := os.ReadFile("testdata/events.json")
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		string(fixture),
		`{"feature": "a"}`,
		`{"feature": "IDP.X", "action": "Run", "team": "Pay ments", "actor": "x", "time": "2024-09-18T12:00:00Z", "properties": {"a": [1, {"b": null}]}}`,
		`{"events": [{"feature": "a"}, {"feature": ""}, null, 1, "x"]}`,
		`{"events": {}}`,
		`{"events": [], "x": 1}`,
		`{"feature": "a", "properties": {"n": 1e400}}`,
		`{"feature": "a", "time": "2024-09-18T12:00:00.123456789+14:00"}`,
		`[]`, `null`, `"x"`, `{`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		events, err := ParseEvents(body, testNow)
		if err != nil {
			var e *api.Error
			if !errors.As(err, &e) || e.Status != http.StatusBadRequest || e.Message == "" {
				t.Fatalf("error %v is not a 400 with a message", err)
			}
			return
		}
		if len(events) == 0 || len(events) > MaxBatch {
			t.Fatalf("%d events", len(events))
		}
		for i, ev := range events {
			if _, err := CheckFeature(ev.Feature); err != nil || strings.ToLower(ev.Feature) != ev.Feature {
				t.Fatalf("events[%d].feature %q: %v", i, ev.Feature, err)
			}
			if !slug.ValidDotted(ev.Action) {
				t.Fatalf("events[%d].action %q", i, ev.Action)
			}
			if ev.Time.After(testNow.Add(MaxSkew)) || ev.Time.Before(testNow.Add(-MaxAge)) || ev.Time.Location().String() != "UTC" {
				t.Fatalf("events[%d].time %v", i, ev.Time)
			}
			if len(ev.ID) > maxIDLen || len(ev.Actor) > maxActorLen || strings.ContainsFunc(ev.ID+ev.Actor, unicode.IsControl) {
				t.Fatalf("events[%d] id %q actor %q", i, ev.ID, ev.Actor)
			}
			if ev.Properties != "" {
				// Numbers keep their digits (UseNumber), so 1e400 is kept
				// as sent: valid JSON, whatever float64 makes of it.
				p := []byte(ev.Properties)
				if len(p) > MaxPropertiesBytes || !json.Valid(p) || p[0] != '{' || ev.Properties == "{}" {
					t.Fatalf("events[%d].properties %q", i, ev.Properties)
				}
			}
		}
	})
}
