package delivery

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// jsonTime is a timestamp as webhooks spell them: RFC 3339 (GitHub,
// CDEvents), "2016-08-12 15:23:28 UTC" and "2021-04-28 21:50:00 +0200"
// (GitLab), or Unix seconds (GitHub's repository.pushed_at in pushes). It
// never fails to decode, so that one odd field does not lose a delivery;
// parsers check bad on the fields they need and name the field.
type jsonTime struct {
	ms  int64 // Unix milliseconds, 0 when absent
	raw string
	bad bool
}

// timeLayouts are tried in order after RFC 3339.
var timeLayouts = []string{
	"2006-01-02 15:04:05 MST",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05.999999999 -0700",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
}

func (t *jsonTime) UnmarshalJSON(b []byte) error {
	*t = jsonTime{}
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	if b[0] != '"' {
		t.raw = string(b)
		f, err := strconv.ParseFloat(string(b), 64)
		if err != nil || f < 0 || f > 1e11 {
			t.bad = true
			return nil
		}
		t.ms = int64(f * 1000)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		t.bad = true
		return nil
	}
	t.raw = s
	if strings.TrimSpace(s) == "" {
		return nil
	}
	ms, ok := parseTime(s)
	t.ms, t.bad = ms, !ok
	return nil
}

// parseTime reads one of the spellings jsonTime accepts.
func parseTime(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if tm, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return tm.UnixMilli(), true
	}
	for _, l := range timeLayouts {
		if tm, err := time.Parse(l, s); err == nil {
			return tm.UnixMilli(), true
		}
	}
	return 0, false
}

// flexString is a JSON string or number as a string: ids and flags that
// senders spell either way ("fixes": 42 or "42").
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*f = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
	default:
		*f = flexString(b)
	}
	return nil
}

// truthy reads a flag that senders spell as a boolean or a string.
func (f flexString) truthy() bool {
	switch strings.ToLower(strings.TrimSpace(string(f))) {
	case "true", "1", "yes":
		return true
	}
	return false
}
