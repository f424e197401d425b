package usage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/slug"
)

// Limits on what one request may carry.
const (
	// MaxBatch is the most events one POST may carry.
	MaxBatch = 1000
	// MaxPropertiesBytes bounds one event's properties, encoded.
	MaxPropertiesBytes = 4096
	// MaxAge is how far back an event's time may be: the longest window
	// the summary shows, so a backfill can fill anything it can show.
	MaxAge = 2 * 365 * 24 * time.Hour
	// MaxSkew is how far ahead of the server's clock an event's time may
	// be, for senders whose clocks run a little fast.
	MaxSkew = 5 * time.Minute

	maxFeatureLen = 100
	maxActionLen  = 64
	maxIDLen      = 128
	maxActorLen   = 256
)

// DefaultAction is the action of an event that names none.
const DefaultAction = "use"

// EventInput is one event as a client sends it to POST /api/v1/usage.
type EventInput struct {
	// ID makes the event idempotent: an event with an id already
	// received is acknowledged and not counted again.
	ID      string `json:"id,omitempty" doc:"optional idempotency id, at most 128 characters; a UUID is a good choice"`
	Feature string `json:"feature" doc:"what was used: lower-case letters, digits and . _ - /, e.g. idp.scaffolder or ui.costs"`
	Action  string `json:"action,omitempty" doc:"what was done with it, same characters as feature (default use)"`
	Team    string `json:"team,omitempty" doc:"the team of whoever used it: a catalog team or alias"`
	Actor   string `json:"actor,omitempty" doc:"who used it; hashed by paved with a per-install key unless it is already a 64-digit hex hash"`
	Time    string `json:"time,omitempty" doc:"when, RFC 3339 (default: when it is received)"`
	// Properties is any JSON object, kept with the event for a while; it
	// must not carry personal data.
	Properties map[string]any `json:"properties,omitempty"`
}

// Batch is the body that posts several events at once.
type Batch struct {
	Events []EventInput `json:"events"`
}

// Event is one validated use of a feature.
type Event struct {
	// ID is the idempotency id, or "" for an event that has none.
	ID      string
	Feature string
	Action  string
	// Team is as sent (trimmed); the service maps it onto the catalog.
	Team string
	// Actor is a raw identity or a hash; the service hashes raw ones.
	Actor string
	// Time is when it happened, UTC.
	Time time.Time
	// Properties is a JSON object, or "" for none.
	Properties string
}

// eventFields lists EventInput's JSON names for error messages.
const eventFields = "id, feature, action, team, actor, time, properties"

// ParseEvents reads a POST /api/v1/usage body: one event object, or
// {"events": [...]} of up to MaxBatch. Times are checked against now.
// Every problem is reported in one *api.Error (400) whose Field names the
// first, as events[i].field for a batch, and whose Details list them all.
func ParseEvents(body []byte, now time.Time) ([]Event, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return nil, bodyError(body, err)
	}
	if top == nil {
		return nil, badEvent("", "the body must be a JSON object: one event, or {\"events\": [...]}")
	}
	raw, batch := top["events"]
	if !batch {
		ev, probs := decodeEvent(body, "", now)
		if len(probs) > 0 {
			return nil, probs.err()
		}
		return []Event{ev}, nil
	}
	for _, k := range slices.Sorted(maps.Keys(top)) {
		if k != "events" {
			return nil, badEvent(k, "a batch holds only \"events\"; put %q inside each event", k)
		}
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil || items == nil {
		return nil, badEvent("events", "must be an array of event objects")
	}
	switch {
	case len(items) == 0:
		return nil, badEvent("events", "the batch is empty; send at least one event")
	case len(items) > MaxBatch:
		return nil, badEvent("events", "%d events in one batch; send at most %d per request", len(items), MaxBatch)
	}
	events := make([]Event, len(items))
	var all problems
	for i, item := range items {
		ev, probs := decodeEvent(item, fmt.Sprintf("events[%d].", i), now)
		all = append(all, probs...)
		events[i] = ev
	}
	if len(all) > 0 {
		return nil, all.err()
	}
	return events, nil
}

// problem is one bad field.
type problem struct{ field, msg string }

type problems []problem

func (ps *problems) add(field, format string, args ...any) {
	*ps = append(*ps, problem{field, fmt.Sprintf(format, args...)})
}

// maxDetails bounds the problems listed in one error: a batch of a
// thousand events with the same mistake needs a few examples, not all.
const maxDetails = 20

func (ps problems) err() error {
	e := badEvent(ps[0].field, "%s", ps[0].msg)
	for i, p := range ps {
		if i == maxDetails {
			e.Details = append(e.Details, fmt.Sprintf("... and %d more", len(ps)-maxDetails))
			break
		}
		e.Details = append(e.Details, p.field+": "+p.msg)
	}
	return e
}

// badEvent is a 400 naming the field at fault.
func badEvent(field, format string, args ...any) *api.Error {
	return &api.Error{Status: http.StatusBadRequest, Code: "invalid_event", Field: field, Message: fmt.Sprintf(format, args...)}
}

// bodyError explains a body that is not a JSON object.
func bodyError(body []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case len(bytes.TrimSpace(body)) == 0:
		return api.BadRequest("request body is empty; send one event object, or {\"events\": [...]}")
	case errors.As(err, &te):
		return badEvent("", "the body must be a JSON object: one event, or {\"events\": [...]}; got JSON %s", te.Value)
	case errors.As(err, &se) && se.Offset >= int64(len(body)):
		return api.BadRequest("request body is truncated JSON (%d bytes)", len(body))
	case errors.As(err, &se):
		return api.BadRequest("request body is not valid JSON at byte %d: %v", se.Offset, se)
	}
	return api.BadRequest("request body: %v", err)
}

// decodeEvent decodes and checks one event object; prefix ("events[3].")
// goes in front of every field it names.
func decodeEvent(raw []byte, prefix string, now time.Time) (Event, problems) {
	var ps problems
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		ps.add(strings.TrimSuffix(prefix, "."), "an event must be a JSON object, got null")
		return Event{}, ps
	}
	var in EventInput
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	// Numbers in properties keep their digits.
	dec.UseNumber()
	if err := dec.Decode(&in); err != nil {
		var te *json.UnmarshalTypeError
		var se *json.SyntaxError
		switch {
		case errors.As(err, &te) && te.Field != "":
			ps.add(prefix+te.Field, "expected %s, got JSON %s", jsonType(te.Field), te.Value)
		case errors.As(err, &te):
			ps.add(strings.TrimSuffix(prefix, "."), "an event must be a JSON object, got JSON %s", te.Value)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			ps.add(prefix+f, "unknown field %q; an event has %s", f, eventFields)
		case errors.As(err, &se):
			ps.add(strings.TrimSuffix(prefix, "."), "not valid JSON at byte %d: %v", se.Offset, se)
		default:
			ps.add(strings.TrimSuffix(prefix, "."), "%v", err)
		}
		return Event{}, ps
	}
	return checkEvent(in, prefix, now)
}

// jsonType names the JSON type field expects.
func jsonType(field string) string {
	if field == "properties" || strings.HasPrefix(field, "properties.") {
		return "an object"
	}
	return "a string"
}

// checkEvent validates and normalises in.
func checkEvent(in EventInput, prefix string, now time.Time) (Event, problems) {
	var ps problems
	ev := Event{Time: now.UTC()}

	ev.ID = strings.TrimSpace(in.ID)
	if len(ev.ID) > maxIDLen || strings.ContainsFunc(ev.ID, unicode.IsControl) {
		ps.add(prefix+"id", "an id has at most %d characters and no control characters", maxIDLen)
	}

	var err error
	if ev.Feature, err = CheckFeature(in.Feature); err != nil {
		ps.add(prefix+"feature", "%v", err)
	}
	ev.Action = DefaultAction
	if strings.TrimSpace(in.Action) != "" {
		if ev.Action, err = checkName(in.Action, maxActionLen); err != nil {
			ps.add(prefix+"action", "%v", err)
		}
	}

	ev.Team = strings.TrimSpace(in.Team)
	if ev.Team != "" && slug.Normalize(ev.Team) == "" {
		ps.add(prefix+"team", "%q has no letters or digits; name a team of the catalog, e.g. payments", in.Team)
	}

	ev.Actor = strings.TrimSpace(in.Actor)
	if len(ev.Actor) > maxActorLen || strings.ContainsFunc(ev.Actor, unicode.IsControl) {
		ps.add(prefix+"actor", "an actor has at most %d characters and no control characters", maxActorLen)
	}

	if t := strings.TrimSpace(in.Time); t != "" {
		at, err := time.Parse(time.RFC3339Nano, t)
		switch {
		case err != nil:
			ps.add(prefix+"time", "%q is not an RFC 3339 time such as 2024-09-01T12:00:00Z", in.Time)
		case at.After(now.Add(MaxSkew)):
			ps.add(prefix+"time", "%s is in the future; the server's time is %s", t, now.UTC().Format(time.RFC3339))
		case at.Before(now.Add(-MaxAge)):
			ps.add(prefix+"time", "%s is more than two years ago; events older than %s are not accepted", t, now.Add(-MaxAge).UTC().Format(time.DateOnly))
		default:
			ev.Time = at.UTC()
		}
	}

	if in.Properties != nil {
		b, err := json.Marshal(in.Properties)
		switch {
		case err != nil:
			ps.add(prefix+"properties", "cannot be encoded: %v", err)
		case len(b) > MaxPropertiesBytes:
			ps.add(prefix+"properties", "%d bytes encoded; at most %d are kept per event", len(b), MaxPropertiesBytes)
		case len(in.Properties) > 0:
			ev.Properties = string(b)
		}
	}
	return ev, ps
}

// CheckFeature validates and normalises (trims, lower-cases) a feature
// name, with an error that says what a valid one looks like.
func CheckFeature(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", errors.New("is required: name what was used, e.g. ui.costs or idp.scaffolder")
	}
	return checkName(s, maxFeatureLen)
}

// checkName validates a feature or action name.
func checkName(s string, maxLen int) (string, error) {
	n := strings.ToLower(strings.TrimSpace(s))
	if len(n) > maxLen || !slug.ValidDotted(n) {
		return "", fmt.Errorf("%q is not valid: use %s, at most %d characters", s, slug.DottedRule, maxLen)
	}
	return n, nil
}
