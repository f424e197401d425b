package survey

import (
	"context"
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/paved-dev/paved/internal/api"
)

// Export writes a closed survey's answers as CSV, one row per answer. A
// row names its team only when that team is shown on its own in the
// results, and "other" otherwise (the same folding as the results, so the
// rows of "other" never isolate a small team); it carries no date, no
// invite and no order of arrival.
func (s *Service) Export(ctx context.Context, id string, w io.Writer) error {
	sv, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	status := sv.Status(s.now())
	var responses []Response
	if status == StatusClosed {
		if responses, err = s.store.responses(ctx, id); err != nil {
			return err
		}
	}
	return WriteCSV(w, sv, status, responses, s.MinResponses())
}

// WriteCSV writes responses as Export does, or refuses with a Conflict
// when the results are not published.
func WriteCSV(w io.Writer, sv Survey, status string, responses []Response, k int) error {
	res := Compute(sv, status, responses, k)
	if !res.Published {
		return api.Conflict("survey %s has no published answers to export: %s", sv.ID, res.Note)
	}
	counts := map[string]int{}
	for _, r := range responses {
		counts[r.Team]++
	}
	g := fold(counts, k)
	rank := map[string]int{OtherGroup: len(g.shown)}
	for i, t := range g.shown {
		rank[t] = i
	}
	type row struct {
		group string
		r     Response
	}
	rows := make([]row, len(responses))
	for i, r := range responses {
		rows[i] = row{g.groupOf(r.Team), r}
	}
	// Stable: within a group rows keep the store's order, which is that
	// of random ids.
	slices.SortStableFunc(rows, func(a, b row) int { return rank[a.group] - rank[b.group] })

	cw := csv.NewWriter(w)
	header := []string{"group"}
	for _, q := range sv.Questions {
		header = append(header, q.ID)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(header))
	for _, r := range rows {
		rec[0] = r.group
		for i, q := range sv.Questions {
			rec[i+1] = ""
			if q.Scored() {
				if v, ok := r.r.Answers.Scores[q.ID]; ok {
					rec[i+1] = strconv.Itoa(v)
				}
			} else {
				rec[i+1] = spreadsheetSafe(r.r.Answers.Texts[q.ID])
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// spreadsheetSafe keeps a spreadsheet from reading free text as a
// formula (CSV injection): text starting with = + - @ or a tab or carriage
// return gets a leading apostrophe, which spreadsheets show as text.
func spreadsheetSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
