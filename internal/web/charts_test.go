package web

import (
	"strings"
	"testing"
)

func TestCSPSafeSVG(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{
			`<svg viewBox="0 0 1 1"><path d="M0 0" style="stroke-width:1;stroke:rgba(1,2,3,1);fill:none"/></svg>`,
			`<svg viewBox="0 0 1 1"><path d="M0 0" stroke-width="1" stroke="rgba(1,2,3,1)" fill="none"/></svg>`,
		},
		{
			`<text x="1" y="2" style="fill:rgba(0,0,0,1);font-size:12px;font-family:'Roboto',sans-serif">a style="fill:red" b</text>`,
			`<text x="1" y="2" fill="rgba(0,0,0,1)" font-size="12px" font-family="'Roboto',sans-serif">a style="fill:red" b</text>`,
		},
		{`<rect style=""/>`, `<rect/>`},
		{`no tags at all`, `no tags at all`},
		{`<unclosed style="fill:red"`, `<unclosed style="fill:red"`},
	} {
		if got := string(cspSafeSVG([]byte(tc.in))); got != tc.want {
			t.Errorf("cspSafeSVG(%s)\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

func TestChartsAreInlineSVGWithoutStyles(t *testing.T) {
	bars := []bar{{"Payments", 6}, {"Identity & <Access>", 5}, {"Empty", 0}}
	for name, draw := range map[string]func(string, []bar) (string, error){
		"bars":     func(title string, b []bar) (string, error) { h, err := horizontalBars(title, b); return string(h), err },
		"doughnut": func(title string, b []bar) (string, error) { h, err := doughnut(title, b); return string(h), err },
	} {
		svg, err := draw(`Services "per" team`, bars)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !strings.HasPrefix(svg, `<svg role="img" aria-label="Services &#34;per&#34; team" `) {
			t.Errorf("%s: SVG starts %.80q", name, svg)
		}
		if strings.Contains(svg, "style=") || strings.Contains(svg, "<style") {
			t.Errorf("%s: SVG has inline styles, which the CSP blocks", name)
		}
		if strings.Contains(svg, "<Access>") {
			t.Errorf("%s: a label was not escaped", name)
		}
		if got, err := draw("empty", nil); err != nil || got != "" {
			t.Errorf("%s: an empty chart gives %q, %v", name, got, err)
		}
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/teams/payments?x=1": "/teams/payments?x=1",
		"":                    "/",
		"//evil.example/x":    "/",
		"/\\evil.example":     "/",
		"/ok\r\nSet-Cookie:":  "/",
		"http://evil.example": "/",
		"javascript:alert(1)": "/",
		"/login?next=/":       "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSentence(t *testing.T) {
	for in, want := range map[string]string{
		`team "x" does not exist`: `Team "x" does not exist.`,
		"Already a sentence.":     "Already a sentence.",
		"":                        "",
	} {
		if got := sentence(in); got != want {
			t.Errorf("sentence(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStackedBars(t *testing.T) {
	cats := []string{"Payments", "Identity & <Access>"}
	ss := []series{{"deny", colorDeny, []int{3, 1}}, {"warn", colorWarn, []int{2, 0}}}
	for _, o := range []stackOptions{{Horizontal: true, Legend: true}, {Height: 200, LabelCount: 2}} {
		h, err := stackedBars("Open findings", cats, ss, o)
		if err != nil {
			t.Fatal(err)
		}
		svg := string(h)
		if !strings.HasPrefix(svg, `<svg role="img" aria-label="Open findings" `) {
			t.Errorf("%+v: SVG starts %.80q", o, svg)
		}
		if strings.Contains(svg, "style=") || strings.Contains(svg, "<Access>") {
			t.Errorf("%+v: SVG has inline styles or an unescaped label", o)
		}
		if strings.Contains(svg, ">deny<") != o.Legend {
			t.Errorf("%+v: legend shown = %v", o, !o.Legend)
		}
	}
	zero := []series{{"deny", colorDeny, []int{0, 0}}}
	if h, err := stackedBars("none", cats, zero, stackOptions{}); err != nil || h != "" {
		t.Errorf("an all-zero chart gives %q, %v", h, err)
	}
}

func TestCountAxis(t *testing.T) {
	for _, tc := range []struct{ highest, top, labels int }{
		{0, 1, 2}, {1, 1, 2}, {4, 4, 5}, {5, 5, 6}, {7, 8, 5}, {17, 20, 5}, {26, 30, 4}, {99, 100, 6}, {1234, 1500, 4},
	} {
		if top, labels := countAxis(tc.highest, 5); top != tc.top || labels != tc.labels {
			t.Errorf("countAxis(%d) = %d, %d; want %d, %d", tc.highest, top, labels, tc.top, tc.labels)
		}
	}
}
