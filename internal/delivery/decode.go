package delivery

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/catalog"
)

// decode reads a webhook body into v, turning JSON errors into a 400
// that says where the body is wrong and what was expected. Unknown
// fields are fine: senders add fields all the time.
func decode(body []byte, v any) error {
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case len(strings.TrimSpace(string(body))) == 0:
		return api.BadRequest("the body is empty; a JSON object is required")
	case errors.As(err, &se):
		return api.BadRequest("the body is not valid JSON at byte %d: %v", se.Offset, se)
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "body"
		}
		return &api.Error{Status: 400, Code: "bad_request", Field: field,
			Message: fmt.Sprintf("expected %s, got JSON %s", jsonKind(te.Type.Kind().String()), te.Value)}
	}
	return api.BadRequest("the body is not valid JSON: %v", err)
}

func jsonKind(goKind string) string {
	switch goKind {
	case "struct", "map":
		return "an object"
	case "slice", "array":
		return "an array"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	}
	return "a number"
}

// missing reports a field a delivery must have.
func missing(field, what string) error {
	return &api.Error{Status: 400, Code: "bad_request", Field: field, Message: "is missing; " + what}
}

// badTime reports an unreadable timestamp.
func badTime(field string, t jsonTime) error {
	return &api.Error{Status: 400, Code: "bad_request", Field: field,
		Message: fmt.Sprintf("%q is not a time; use RFC 3339 (2024-05-01T12:00:00Z)", t.raw)}
}

// needTime returns t's milliseconds, or an error naming field when t is
// unreadable or (when required) absent.
func needTime(field string, t jsonTime, required bool) (int64, error) {
	switch {
	case t.bad:
		return 0, badTime(field, t)
	case t.ms == 0 && required:
		return 0, missing(field, "a time in RFC 3339 is required")
	}
	return t.ms, nil
}

// commitSHA checks a commit id and lower-cases it.
func commitSHA(field, sha string) (string, error) {
	sha = strings.TrimSpace(sha)
	if sha == "" {
		return "", missing(field, "a commit id is required")
	}
	if !isHex(sha) {
		return "", &api.Error{Status: 400, Code: "bad_request", Field: field, Message: fmt.Sprintf("%q is not a commit id (4 to 64 hex digits)", clip(sha, 80))}
	}
	return strings.ToLower(sha), nil
}

// repoURL normalises the first non-empty repository location.
func repoURL(candidates ...string) string {
	for _, c := range candidates {
		if strings.TrimSpace(c) != "" {
			return clip(catalog.NormalizeRepository(c), 500)
		}
	}
	return ""
}

// hasLabel reports whether any of names is one of labels (lower-cased).
func hasLabel(labels []string, names ...string) bool {
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		for _, l := range labels {
			if n == l {
				return true
			}
		}
	}
	return false
}
