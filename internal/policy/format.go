package policy

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
)

// Formats are the output formats of `paved check`.
var Formats = []string{"table", "json", "sarif", "junit"}

// Write renders rep in format.
func Write(w io.Writer, rep Report, format, version string) error {
	switch format {
	case "table":
		return writeTable(w, rep)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	case "sarif":
		return writeSARIF(w, rep, version)
	case "junit":
		return writeJUnit(w, rep)
	}
	return fmt.Errorf("--format %q is not valid; use one of %s", format, strings.Join(Formats, ", "))
}

// writeTable is what a developer reads in a CI log: results grouped by
// file, the fix under each, a summary line.
func writeTable(w io.Writer, rep Report) error {
	byFile := map[string][]Result{}
	var files []string
	for _, r := range rep.Results {
		if _, ok := byFile[r.File]; !ok {
			files = append(files, r.File)
		}
		byFile[r.File] = append(byFile[r.File], r)
	}
	sort.Strings(files)
	for _, f := range files {
		fmt.Fprintf(w, "%s\n", f)
		for _, r := range byFile[f] {
			fmt.Fprintf(w, "  %-8s %s:%d  %s  [%s, %s]\n", strings.ToUpper(r.Action), filepath.Base(r.File), r.Line, r.Resource, r.Policy, r.Severity)
			fmt.Fprintf(w, "           %s\n", r.Message)
			if r.Exception != nil {
				fmt.Fprintf(w, "           excepted by %s until %s: %s (approved by %s)\n", r.Exception.ID, r.Exception.Expires, r.Exception.Reason, r.Exception.Approver)
			} else if r.Remediation != "" {
				fmt.Fprintf(w, "           fix: %s\n", oneLine(r.Remediation))
			}
			if r.Note != "" {
				fmt.Fprintf(w, "           note: %s\n", r.Note)
			}
		}
		fmt.Fprintln(w)
	}
	s := rep.Summary
	fmt.Fprintf(w, "%d resources in %d files checked against %d policies: %d denied, %d warnings, %d excepted\n",
		s.Resources, s.Files, s.Policies, s.Deny, s.Warn, s.Excepted)
	if s.TeamCheck == "skipped" {
		fmt.Fprintln(w, "note: no catalog given (--data-dir, --database-url, --server or --catalog), so the team-exists check was skipped")
	}
	return nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// SARIF 2.1.0, as GitHub code scanning reads it.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	DefaultConfiguration map[string]any `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties"`
}

type sarifResult struct {
	RuleID       string             `json:"ruleId"`
	RuleIndex    int                `json:"ruleIndex"`
	Level        string             `json:"level"`
	Message      sarifText          `json:"message"`
	Locations    []sarifLocation    `json:"locations"`
	Suppressions []sarifSuppression `json:"suppressions,omitempty"`
	Properties   map[string]any     `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation struct {
		ArtifactLocation struct {
			URI string `json:"uri"`
		} `json:"artifactLocation"`
		Region struct {
			StartLine int `json:"startLine"`
		} `json:"region"`
	} `json:"physicalLocation"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification"`
}

// securitySeverity maps severities onto GitHub's CVSS-like scale, which
// decides how code scanning labels an alert.
var securitySeverity = map[string]string{"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "2.0"}

func sarifLevel(action string) string {
	switch action {
	case ActionDeny:
		return "error"
	case ActionWarn:
		return "warning"
	}
	return "note"
}

func writeSARIF(w io.Writer, rep Report, version string) error {
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{Name: "paved", Version: version, InformationURI: "https://github.com/paved-dev/paved"}}, Results: []sarifResult{}}
	index := map[string]int{}
	for _, r := range rep.Results {
		if _, ok := index[r.Policy]; ok {
			continue
		}
		index[r.Policy] = len(run.Tool.Driver.Rules)
		desc := firstNonEmpty(r.Title, r.Policy)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID: r.Policy, Name: ruleName(r.Policy),
			ShortDescription:     sarifText{Text: desc},
			FullDescription:      sarifText{Text: desc},
			Help:                 sarifText{Text: firstNonEmpty(oneLine(r.Remediation), desc), Markdown: firstNonEmpty(r.Remediation, desc)},
			DefaultConfiguration: map[string]any{"level": "error"},
			Properties:           map[string]any{"security-severity": securitySeverity[r.Severity], "tags": []string{"security", "paved", r.Severity}},
		})
	}
	for _, r := range rep.Results {
		res := sarifResult{RuleID: r.Policy, RuleIndex: index[r.Policy], Level: sarifLevel(r.Action),
			Message:    sarifText{Text: fmt.Sprintf("%s: %s", r.Resource, r.Message)},
			Properties: map[string]any{"action": r.Action, "team": r.Team}}
		var loc sarifLocation
		loc.PhysicalLocation.ArtifactLocation.URI = filepath.ToSlash(strings.TrimPrefix(r.File, "./"))
		loc.PhysicalLocation.Region.StartLine = max(r.Line, 1)
		res.Locations = []sarifLocation{loc}
		if r.Exception != nil {
			res.Suppressions = []sarifSuppression{{Kind: "external",
				Justification: fmt.Sprintf("%s (approved by %s, expires %s)", r.Exception.Reason, r.Exception.Approver, r.Exception.Expires)}}
		}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}})
}

// ruleName turns no-public-buckets into NoPublicBuckets, SARIF's
// convention for rule names.
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// JUnit: one test case per policy × resource, failed when denied (or
// warned: a warning is reported as a skipped case with the message, so CI
// dashboards show it without failing).
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

func writeJUnit(w io.Writer, rep Report) error {
	type key struct {
		file, resource, policy string
	}
	found := map[key][]Result{}
	for _, r := range rep.Results {
		k := key{r.File, r.Resource.String(), r.Policy}
		found[k] = append(found[k], r)
	}
	suites := junitSuites{Name: "paved check"}
	var suite *junitSuite
	for _, c := range rep.Checked {
		if suite == nil || suite.Name != c.File {
			suites.Suites = append(suites.Suites, junitSuite{Name: c.File})
			suite = &suites.Suites[len(suites.Suites)-1]
		}
		for _, p := range rep.PoliciesByKind[c.Kind] {
			tc := junitCase{Name: p.ID + " " + c.Resource.String(), Classname: p.ID, File: c.File, Line: c.Line}
			rs := found[key{c.File, c.Resource.String(), p.ID}]
			var msgs []string
			worst := ActionPass
			for _, r := range rs {
				msgs = append(msgs, fmt.Sprintf("[%s] %s", r.Action, r.Message))
				if r.Action == ActionDeny || (r.Action == ActionWarn && worst != ActionDeny) {
					worst = r.Action
				}
			}
			text := strings.Join(msgs, "\n")
			if p.Remediation != "" && len(rs) > 0 {
				text += "\nfix: " + oneLine(p.Remediation)
			}
			switch worst {
			case ActionDeny:
				tc.Failure = &junitMessage{Message: rs[0].Message, Type: p.Severity, Text: text}
				suite.Failures++
			case ActionWarn:
				tc.Skipped = &junitMessage{Message: "warning: " + rs[0].Message, Text: text}
				suite.Skipped++
			}
			suite.Cases = append(suite.Cases, tc)
			suite.Tests++
		}
	}
	for _, s := range suites.Suites {
		suites.Tests += s.Tests
		suites.Failures += s.Failures
		suites.Skipped += s.Skipped
	}
	io.WriteString(w, xml.Header)
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(suites); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
