package reviewdoc

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/cost"
)

// The documents are compared whole against golden files by
// internal/cost's TestReviewDocuments, from a seeded store; these tests
// cover what that bill does not: hostile text and the file names.

func TestMarkdownEscaping(t *testing.T) {
	for _, tc := range []struct {
		cell Cell
		want string
	}{
		{text("checkout +900.00 USD"), "checkout +900.00 USD"},
		{text("owner=<script>alert(1)</script>"), `owner=\<script\>alert(1)\</script\>`},
		{text("a|b *c* _d_ [e](f) `g` ~h~ \\"), "a\\|b \\*c\\* \\_d\\_ \\[e\\](f) \\`g\\` \\~h\\~ \\\\"},
		{text("two\nlines"), "two lines"},
		{code("squad=payments_squad"), "`squad=payments_squad`"},
		{code("a|b"), "`a\\|b`"},
		{code("has`tick"), "`` has`tick ``"},
	} {
		if got := mdCell(tc.cell); got != tc.want {
			t.Errorf("mdCell(%+v) = %s, want %s", tc.cell, got, tc.want)
		}
	}
}

// A tag value cannot break out of its table cell or inject markup in
// either format.
func TestHostileValues(t *testing.T) {
	r := cost.Review{Month: "2024-09", Previous: "2024-08", GeneratedAt: time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC), Through: "2024-09-30",
		Unallocated: cost.ReviewUnallocated{Resources: []cost.UnallocatedResource{{
			UnallocatedDetail: cost.UnallocatedDetail{ResourceID: "i-1", ResourceName: "<b>x</b>", Currency: "USD", EffectiveCost: 1,
				Tags: `{"team": "a|b\n# not a heading <img src=x>"}`},
		}}}}
	var md, html bytes.Buffer
	if err := Write(&md, r, FormatMarkdown); err != nil {
		t.Fatal(err)
	}
	if err := Write(&html, r, FormatHTML); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(md.String(), "\n") {
		if strings.HasPrefix(line, "| `<b>") {
			if n := strings.Count(line, "|") - strings.Count(line, `\|`); n != 8 {
				t.Errorf("the resource row has %d cell separators, want 8: %s", n, line)
			}
		}
		if strings.HasPrefix(line, "# not") {
			t.Errorf("a tag value became a heading: %s", line)
		}
	}
	for _, bad := range []string{"<b>x</b>", "<img"} {
		if strings.Contains(html.String(), bad) {
			t.Errorf("the HTML document contains %s unescaped", bad)
		}
	}
}

func TestFileName(t *testing.T) {
	for _, tc := range []struct {
		team, format, want string
	}{
		{"", FormatMarkdown, "finops-review-2024-09.md"},
		{"payments", FormatHTML, "finops-review-payments-2024-09.html"},
	} {
		if got := FileName(cost.Review{Month: "2024-09", Team: tc.team}, tc.format); got != tc.want {
			t.Errorf("FileName(%q, %s) = %s, want %s", tc.team, tc.format, got, tc.want)
		}
	}
}
