package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"

	"github.com/paved-dev/paved/internal/catalog"
)

// teamPanel is a section a capability adds to the team page: compliance
// from guardrails, spend from costs, DORA from delivery. That is why every
// capability keys its data on the same team.
type teamPanel struct {
	// Title heads the section.
	Title string
	// Template names a {{define}} in a templates/team_*.html file; it is
	// executed with what Load returned as its dot.
	Template string
	// Load fetches the panel's data for one team. A nil result means the
	// capability has nothing to show for this team, and the panel is left
	// out rather than rendered empty.
	Load func(u *ui, r *http.Request, t catalog.Team) (any, error)
}

// teamPanels are rendered in order below the team's own catalog sections.
// Later capabilities append theirs here.
var teamPanels []teamPanel

// renderedPanel is a panel ready for the team template.
type renderedPanel struct {
	// ID anchors the section (#compliance); it is the panel's template name.
	ID    string
	Title string
	Body  template.HTML
}

func (u *ui) renderPanels(r *http.Request, t catalog.Team) ([]renderedPanel, error) {
	var out []renderedPanel
	for _, p := range teamPanels {
		data, err := p.Load(u, r, t)
		if err != nil {
			return nil, fmt.Errorf("loading the %s panel: %w", p.Title, err)
		}
		if data == nil {
			continue
		}
		var buf bytes.Buffer
		// Executed by html/template, so the result is escaped HTML.
		if err := u.pages.byName["team"].ExecuteTemplate(&buf, p.Template, data); err != nil {
			return nil, fmt.Errorf("rendering the %s panel: %w", p.Title, err)
		}
		out = append(out, renderedPanel{ID: p.Template, Title: p.Title, Body: template.HTML(buf.Bytes())})
	}
	return out, nil
}
