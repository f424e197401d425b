package web

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/cost/reviewdoc"
)

// The monthly FinOps review: /costs/review?month=&team= shows it in the
// site's layout, and /costs/review.md and /costs/review.html download the
// same review as the documents `paved cost review` writes. One handler
// serves the three, so a download is always the review on screen.

type costReviewPage struct {
	// Month and Team are what is reviewed; Team "" is the organisation.
	Month, Team string
	// TeamRef links the reviewed team's page.
	TeamRef *teamRef
	// Teams fill the team picker.
	Teams []catalog.Team
	Doc   reviewdoc.Document
	// MarkdownURL and HTMLURL download this review.
	MarkdownURL, HTMLURL string
}

func (u *ui) costReview(w http.ResponseWriter, r *http.Request, v *viewer) error {
	svc, err := u.costService()
	if err != nil {
		return err
	}
	ctx := r.Context()
	q := r.URL.Query()
	month, team := q.Get("month"), q.Get("team")
	if month == "" {
		// The latest month with data, as the Costs page shows; the
		// current month before the first import.
		if month, err = svc.LatestMonth(ctx); err != nil {
			return fmt.Errorf("finding the latest month with costs: %w", err)
		}
		if month == "" {
			month = time.Now().UTC().Format("2006-01")
		}
	}
	rev, err := svc.Review(ctx, month, team)
	if err != nil {
		return err
	}

	if format := strings.TrimPrefix(r.URL.Path, "/costs/review."); format != r.URL.Path {
		var buf bytes.Buffer
		if err := reviewdoc.Write(&buf, rev, format); err != nil {
			return fmt.Errorf("rendering the review as %s: %w", format, err)
		}
		h := w.Header()
		h.Set("Content-Type", reviewdoc.ContentType(format))
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": reviewdoc.FileName(rev, format)}))
		h.Set("Cache-Control", "no-store")
		w.Write(buf.Bytes())
		return nil
	}

	data := costReviewPage{Month: month, Team: team, Teams: u.cat.Current().Teams, Doc: reviewdoc.Build(rev)}
	if team != "" {
		ref := refTo(u.teamNames(), team)
		data.TeamRef = &ref
	}
	// Only teams in the catalog have a page to link to.
	index := u.cat.Index()
	for i := range data.Doc.Sections {
		for j := range data.Doc.Sections[i].Tables {
			for _, row := range data.Doc.Sections[i].Tables[j].Rows {
				for k := range row {
					if row[k].Team != "" && !index.TeamExists(row[k].Team) {
						row[k].Team = ""
					}
				}
			}
		}
	}
	query := url.Values{"month": {month}}
	if team != "" {
		query.Set("team", team)
	}
	data.MarkdownURL = "/costs/review.md?" + query.Encode()
	data.HTMLURL = "/costs/review.html?" + query.Encode()
	u.render(w, r, v, http.StatusOK, "cost_review", data.Doc.Title, data)
	return nil
}
