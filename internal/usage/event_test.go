package usage

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/api"
)

func TestParseEvents(t *testing.T) {
	for _, c := range []struct {
		name, body string
		want       []Event
	}{
		{
			name: "one event, defaults",
			body: `{"feature": "idp.scaffolder"}`,
			want: []Event{{Feature: "idp.scaffolder", Action: "use", Time: testNow}},
		},
		{
			name: "one event, every field, normalised",
			body: `{"id": " a-1 ", "feature": " IDP.Scaffolder ", "action": "Create", "team": " Payments ", "actor": " alice ",
				"time": "2024-09-18T13:30:00+02:00", "properties": {"template": "go-service", "n": 12345678901234567890}}`,
			want: []Event{{ID: "a-1", Feature: "idp.scaffolder", Action: "create", Team: "Payments", Actor: "alice",
				Time: day("2024-09-18T11:30:00Z"), Properties: `{"n":12345678901234567890,"template":"go-service"}`}},
		},
		{
			name: "a batch, empty properties dropped",
			body: `{"events": [{"feature": "a"}, {"feature": "b/c_d-e.f", "properties": {}, "time": "2022-09-20T00:00:00Z"}]}`,
			want: []Event{{Feature: "a", Action: "use", Time: testNow}, {Feature: "b/c_d-e.f", Action: "use", Time: day("2022-09-20T00:00:00Z")}},
		},
		{
			name: "a time within the allowed clock skew",
			body: `{"feature": "a", "time": "2024-09-18T12:04:59Z"}`,
			want: []Event{{Feature: "a", Action: "use", Time: day("2024-09-18T12:04:59Z")}},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseEvents([]byte(c.body), testNow)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestParseEventsRejects(t *testing.T) {
	batch := func(n int) string {
		return `{"events": [` + strings.TrimSuffix(strings.Repeat(`{"feature": "a"},`, n), ",") + `]}`
	}
	for _, c := range []struct {
		name, body string
		status     int
		field      string
		message    string // a part of the message
	}{
		{"truncated", `{"feature": `, 400, "", "truncated JSON (12 bytes)"},
		{"bad JSON", `{"feature" "a"}`, 400, "", "not valid JSON at byte"},
		{"empty body", ` `, 400, "", "request body is empty"},
		{"null", `null`, 400, "", "must be a JSON object"},
		{"an array", `[{"feature": "a"}]`, 400, "", "must be a JSON object"},
		{"trailing data", `{"feature": "a"} {}`, 400, "", "not valid JSON"},
		{"missing feature", `{"team": "payments"}`, 400, "feature", "is required"},
		{"blank feature", `{"feature": "  "}`, 400, "feature", "is required"},
		{"bad feature", `{"feature": "ui costs"}`, 400, "feature", `"ui costs" is not valid: use lower-case letters`},
		{"feature starting with a dot", `{"feature": ".ui"}`, 400, "feature", "starting with a letter or digit"},
		{"feature too long", `{"feature": "` + strings.Repeat("a", 101) + `"}`, 400, "feature", "at most 100 characters"},
		{"bad action", `{"feature": "a", "action": "cr eate"}`, 400, "action", "is not valid"},
		{"team without letters", `{"feature": "a", "team": "--"}`, 400, "team", "has no letters or digits"},
		{"actor too long", `{"feature": "a", "actor": "` + strings.Repeat("x", 257) + `"}`, 400, "actor", "at most 256 characters"},
		{"id with a newline", `{"feature": "a", "id": "a\nb"}`, 400, "id", "no control characters"},
		{"bad time", `{"feature": "a", "time": "yesterday"}`, 400, "time", `"yesterday" is not an RFC 3339 time`},
		{"date only", `{"feature": "a", "time": "2024-09-18"}`, 400, "time", "RFC 3339"},
		{"time in the future", `{"feature": "a", "time": "2024-09-18T12:05:01Z"}`, 400, "time", "is in the future"},
		{"time too old", `{"feature": "a", "time": "2022-09-18T00:00:00Z"}`, 400, "time", "more than two years ago"},
		{"time as a number", `{"feature": "a", "time": 1726660800}`, 400, "time", "expected a string, got JSON number"},
		{"properties not an object", `{"feature": "a", "properties": "x"}`, 400, "properties", "expected an object, got JSON string"},
		{"properties too large", `{"feature": "a", "properties": {"x": "` + strings.Repeat("y", 5000) + `"}}`, 400, "properties", "at most 4096 are kept"},
		{"unknown field", `{"feature": "a", "user": "alice"}`, 400, "user", `unknown field "user"; an event has id, feature`},
		{"missing feature in a batch", `{"events": [{"feature": "a"}, {"action": "b"}]}`, 400, "events[1].feature", "is required"},
		{"bad time in a batch", `{"events": [{"feature": "a", "time": "soon"}]}`, 400, "events[0].time", "RFC 3339"},
		{"unknown field in a batch", `{"events": [{"feature": "a"}, {"feature": "b", "colour": 1}]}`, 400, "events[1].colour", "unknown field"},
		{"null in a batch", `{"events": [{"feature": "a"}, null]}`, 400, "events[1]", "got null"},
		{"a string in a batch", `{"events": ["a"]}`, 400, "events[0]", "must be a JSON object, got JSON string"},
		{"events not an array", `{"events": {"feature": "a"}}`, 400, "events", "must be an array"},
		{"events null", `{"events": null}`, 400, "events", "must be an array"},
		{"empty batch", `{"events": []}`, 400, "events", "the batch is empty"},
		{"too large a batch", batch(MaxBatch + 1), 400, "events", "1001 events in one batch; send at most 1000"},
		{"a batch with other fields", `{"events": [{"feature": "a"}], "team": "x"}`, 400, "team", `a batch holds only "events"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseEvents([]byte(c.body), testNow)
			var e *api.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want an *api.Error", err)
			}
			if e.Status != c.status || e.Field != c.field || !strings.Contains(e.Message, c.message) {
				t.Errorf("got %d %q %q; want %d %q containing %q", e.Status, e.Field, e.Message, c.status, c.field, c.message)
			}
		})
	}

	// A full batch is fine.
	if events, err := ParseEvents([]byte(batch(MaxBatch)), testNow); err != nil || len(events) != MaxBatch {
		t.Errorf("a batch of %d: %d events, %v", MaxBatch, len(events), err)
	}
}

// TestParseEventsListsEveryProblem: one error names the first problem
// and lists them all, at most maxDetails of them.
func TestParseEventsListsEveryProblem(t *testing.T) {
	_, err := ParseEvents([]byte(`{"events": [{"feature": "ok"}, {"time": "x"}, {"feature": "b", "action": "!"}]}`), testNow)
	var e *api.Error
	if !errors.As(err, &e) || e.Status != http.StatusBadRequest {
		t.Fatalf("err = %v", err)
	}
	want := []string{
		"events[1].feature: is required: name what was used, e.g. ui.costs or idp.scaffolder",
		`events[1].time: "x" is not an RFC 3339 time such as 2024-09-01T12:00:00Z`,
		`events[2].action: "!" is not valid: use lower-case letters, digits and . _ - /, starting with a letter or digit, at most 64 characters`,
	}
	if e.Field != "events[1].feature" || strings.Join(e.Details, "\n") != strings.Join(want, "\n") {
		t.Errorf("field %q, details:\n%s\nwant:\n%s", e.Field, strings.Join(e.Details, "\n"), strings.Join(want, "\n"))
	}

	many := `{"events": [` + strings.TrimSuffix(strings.Repeat(`{"team": "x"},`, 30), ",") + `]}`
	_, err = ParseEvents([]byte(many), testNow)
	if !errors.As(err, &e) || len(e.Details) != maxDetails+1 || e.Details[maxDetails] != "... and 10 more" {
		t.Errorf("30 bad events: %d details, last %q", len(e.Details), e.Details[len(e.Details)-1])
	}
}

func TestIsHash(t *testing.T) {
	for _, c := range []struct {
		s    string
		want bool
	}{
		{strings.Repeat("a", 64), true},
		{strings.Repeat("F0", 32), true},
		{strings.Repeat("a", 63), false},
		{strings.Repeat("a", 65), false},
		{strings.Repeat("g", 64), false},
		{"alice@example.com", false},
		{"", false},
	} {
		if got := IsHash(c.s); got != c.want {
			t.Errorf("IsHash(%q) = %v", c.s, got)
		}
	}
}

func TestWeeksParam(t *testing.T) {
	for _, c := range []struct {
		v    string
		want int
		err  string
	}{
		{"", DefaultWeeks, ""},
		{"1", 1, ""},
		{"104", 104, ""},
		{"0", 0, "weeks: 0 is out of range; use 1 to 104"},
		{"105", 0, "weeks: 105 is out of range"},
		{"ten", 0, `weeks: "ten" is not a whole number`},
	} {
		got, err := WeeksParam(c.v)
		if c.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), c.err) {
				t.Errorf("WeeksParam(%q) = %v, want %q", c.v, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("WeeksParam(%q) = %d, %v; want %d", c.v, got, err, c.want)
		}
	}
}
