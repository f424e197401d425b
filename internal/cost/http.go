package cost

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/auth"
	"github.com/paved-dev/paved/internal/cost/focus"
)

// MaxUploadBytes bounds a billing file posted to the API: a month of a
// large organisation's export, uncompressed, is a few GiB.
const MaxUploadBytes = 4 << 30

// uploadTimeout is how long reading an upload and importing it may take,
// in place of the server's request timeouts, which are sized for JSON.
const uploadTimeout = 30 * time.Minute

// maxFileName bounds the name an upload is recorded under.
const maxFileName = 255

// ImportList is the body of GET /api/v1/costs/imports.
type ImportList struct {
	Imports []Import `json:"imports"`
}

// Routes returns the FinOps JSON API.
func (s *Service) Routes() []api.Route {
	const tag = "costs"
	month := api.Param{Name: "month", Description: "YYYY-MM; the latest month with data when omitted"}
	return []api.Route{
		{Method: "GET", Pattern: "/api/v1/costs/report", Perm: api.Read, Tag: tag, Summary: "A month's costs grouped by team, service, environment, provider, account or service name, per currency",
			Query:    []api.Param{month, {Name: "by", Description: "team (default), service, environment, provider, account, service-name, category, charge or allocation"}, {Name: "team", Description: "only this team's costs"}},
			Response: Report{}, Handler: s.report},
		{Method: "GET", Pattern: "/api/v1/costs/coverage", Perm: api.Read, Tag: tag, Summary: "How much of a month's spend is allocated, per provider and account, with its FinOps band",
			Query: []api.Param{month}, Response: Coverage{}, Handler: s.coverage},
		{Method: "GET", Pattern: "/api/v1/costs/unallocated", Perm: api.Read, Tag: tag, Summary: "A month's unowned spend by account and resource, largest first",
			Query: []api.Param{month, {Name: "limit", Description: "how many resources (default 100)"}}, Response: UnallocatedList{}, Handler: s.unallocated},
		{Method: "GET", Pattern: "/api/v1/costs/trend", Perm: api.Read, Tag: tag, Summary: "Spend per month, team and currency, allocation coverage per month, and the teams whose spend moved most",
			Query:    []api.Param{{Name: "months", Description: "how many of the latest months with data (default 12)"}, {Name: "team", Description: "only this team's spend"}},
			Response: Trend{}, Handler: s.trend},
		{Method: "GET", Pattern: "/api/v1/costs/imports", Perm: api.Read, Tag: tag, Summary: "List billing file imports, newest first", Response: ImportList{}, Handler: s.listImports},
		{Method: "POST", Pattern: "/api/v1/costs/imports", Perm: api.Ingest, Tag: tag, Summary: "Import a FOCUS billing export (CSV, gzip CSV or Parquet) sent as the request body",
			Query: []api.Param{
				{Name: "name", Description: "the file's name, recorded with the import and named in errors", Required: true},
				{Name: "skip_invalid", Description: "true: import the readable rows and record the rejected ones"},
			},
			RequestType: "application/octet-stream", Response: Import{}, Status: http.StatusCreated, MaxBodyBytes: MaxUploadBytes, Handler: s.importUpload},
		{Method: "GET", Pattern: "/api/v1/teams/{name}/costs", Perm: api.Read, Tag: tag, Summary: "A team's month: spend to date and the month before per currency, by service and by day",
			Query: []api.Param{month}, Response: TeamMonth{}, Handler: s.teamMonth},
	}
}

// monthParam reads ?month=, defaulting to the latest month with data, or
// the current month before the first import (whose reports are empty).
func (s *Service) monthParam(ctx context.Context, r *http.Request) (string, error) {
	if m := r.URL.Query().Get("month"); m != "" {
		return m, CheckMonth(m)
	}
	m, err := s.LatestMonth(ctx)
	if m == "" && err == nil {
		m = time.Now().UTC().Format("2006-01")
	}
	return m, err
}

// intParam reads a whole-number query parameter, def when absent.
func intParam(r *http.Request, name string, def int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, api.Invalid(name, "%q is not a whole number", v)
	}
	return n, nil
}

func (s *Service) report(w http.ResponseWriter, r *http.Request) {
	month, err := s.monthParam(r.Context(), r)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	by := r.URL.Query().Get("by")
	if by == "" {
		by = "team"
	}
	rep, err := s.Report(r.Context(), month, by, r.URL.Query().Get("team"))
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, rep)
}

func (s *Service) coverage(w http.ResponseWriter, r *http.Request) {
	month, err := s.monthParam(r.Context(), r)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	cov, err := s.Coverage(r.Context(), month)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, cov)
}

func (s *Service) unallocated(w http.ResponseWriter, r *http.Request) {
	month, err := s.monthParam(r.Context(), r)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	limit, err := intParam(r, "limit", 100)
	if err == nil && (limit < 1 || limit > 10000) {
		err = api.Invalid("limit", "%d is out of range; use 1 to 10000", limit)
	}
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	list, err := s.Unallocated(r.Context(), month, limit)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, list)
}

func (s *Service) trend(w http.ResponseWriter, r *http.Request) {
	months, err := intParam(r, "months", DefaultTrendMonths)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	tr, err := s.Trend(r.Context(), months, r.URL.Query().Get("team"))
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, tr)
}

func (s *Service) teamMonth(w http.ResponseWriter, r *http.Request) {
	month := r.URL.Query().Get("month")
	if month != "" {
		if err := CheckMonth(month); err != nil {
			api.WriteError(w, r, err)
			return
		}
	}
	tm, err := s.TeamMonth(r.Context(), r.PathValue("name"), month)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, tm)
}

func (s *Service) listImports(w http.ResponseWriter, r *http.Request) {
	imps, err := s.Imports(r.Context())
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, ImportList{Imports: imps})
}

// importUpload imports the request body. The importer reads a file at
// random offsets (Parquet keeps its index at the end; the checksum runs
// alongside), so the body is spooled to a temporary file first, which is
// removed afterwards whatever happens.
func (s *Service) importUpload(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	name := strings.TrimSpace(q.Get("name"))
	switch {
	case name == "":
		api.WriteError(w, r, api.Invalid("name", "name the uploaded file, e.g. ?name=focus-2024-09.csv: imports are recorded and their errors reported by file name"))
		return
	case len(name) > maxFileName || strings.ContainsFunc(name, func(c rune) bool { return c < ' ' || c == 0x7f }):
		api.WriteError(w, r, api.Invalid("name", "a file name has at most %d characters and no control characters", maxFileName))
		return
	}
	skip := false
	if v := q.Get("skip_invalid"); v != "" {
		var err error
		if skip, err = strconv.ParseBool(v); err != nil {
			api.WriteError(w, r, api.Invalid("skip_invalid", "%q is not true or false", v))
			return
		}
	}
	// A few GiB take longer than the server's JSON-sized timeouts allow.
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(uploadTimeout))
	rc.SetWriteDeadline(time.Now().Add(uploadTimeout))

	tmp, err := os.CreateTemp("", "paved-focus-*")
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}()
	if _, err := io.Copy(tmp, r.Body); err != nil {
		var mbe *http.MaxBytesError
		if !errors.As(err, &mbe) {
			// The client went away or the disk is full: the log says which.
			slog.WarnContext(r.Context(), "spooling a billing upload failed", "file", name, "err", err)
		}
		api.WriteError(w, r, err)
		return
	}
	file, err := focus.OSFile(tmp)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	by := ""
	if p, ok := auth.FromContext(r.Context()); ok {
		by = p.Token.Name
	}
	imp, err := s.Import(r.Context(), name, file, ImportOptions{SkipInvalid: skip, ImportedBy: by})
	if err != nil {
		api.WriteError(w, r, importError(name, err))
		return
	}
	api.WriteJSON(w, http.StatusCreated, imp)
}

// importError turns what the importer says about a file into the caller's
// error, with its message (file:line:column), and leaves anything else
// (the database, a cancelled request) a logged 500. A file that cannot be
// read as FOCUS is a bad request; one whose rows cannot be imported is
// unprocessable.
func importError(name string, err error) error {
	var he *focus.HeaderError
	var fe *focus.FileError
	switch {
	case errors.As(err, &he), errors.As(err, &fe):
		return &api.Error{Status: http.StatusBadRequest, Code: "bad_file", Field: "body", Message: err.Error()}
	case errors.Is(err, ErrNoRows), errors.As(err, new(*RowRejectedError)):
		return &api.Error{Status: http.StatusUnprocessableEntity, Code: "invalid_file", Field: "body", Message: err.Error()}
	}
	return err
}
