package survey

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
)

// Service is the surveys on one store.
type Service struct {
	cfg   config.Surveys
	cat   *catalog.Catalog
	store *surveyStore
	now   func() time.Time
	cache resultsCache
}

// NewService returns the survey service for cfg's surveys section, the
// catalog's teams and db.
func NewService(cfg config.Config, cat *catalog.Catalog, db *store.DB) *Service {
	return &Service{cfg: cfg.Surveys, cat: cat, store: &surveyStore{db: db}, now: time.Now}
}

// SetClock replaces the clock that decides which surveys are open, for
// tests and demos that need a survey to close.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// MinResponses is the anonymity threshold in force.
func (s *Service) MinResponses() int { return s.cfg.MinResponsesOrDefault() }

// BaseURL is the configured start of invite links ("" when not set).
func (s *Service) BaseURL() string { return s.cfg.BaseURL }

func (s *Service) today() string { return s.now().UTC().Format(time.DateOnly) }

func newID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Sync writes the surveys of paved.yaml to the store, as paved starts: new
// ones are created and changed ones updated. A survey that has answers
// keeps its questions, since answers to one set of questions cannot be
// read against another; changing them is an error naming the survey.
// Surveys removed from the file stay, with their results; a survey of the
// same id created through the API is taken over by the file, since git is
// where surveys are reviewed.
func (s *Service) Sync(ctx context.Context) error {
	var problems []string
	for i, d := range s.cfg.Definitions {
		want := fromDefinition(d, SourceConfig, s.now())
		have, err := s.store.get(ctx, d.ID)
		if errors.Is(err, sql.ErrNoRows) {
			if _, err := s.store.insert(ctx, want); err != nil {
				return fmt.Errorf("creating survey %s from paved.yaml: %w", d.ID, err)
			}
			continue
		}
		if err != nil {
			return err
		}
		if reflect.DeepEqual(have.Definition(), want.Definition()) && have.Source == SourceConfig {
			continue
		}
		if have.Kind != want.Kind || !reflect.DeepEqual(have.Extra, want.Extra) {
			n, err := s.store.responseCount(ctx, d.ID)
			if err != nil {
				return err
			}
			if n > 0 {
				problems = append(problems, fmt.Sprintf("surveys.definitions[%d] (%s): its kind or questions changed, but it already has %d answers to the old ones; undo the change, or define a new survey with another id", i, d.ID, n))
				continue
			}
		}
		if err := s.store.update(ctx, want); err != nil {
			return fmt.Errorf("updating survey %s from paved.yaml: %w", d.ID, err)
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("surveys in paved.yaml:\n%s", strings.Join(problems, "\n"))
	}
	return nil
}

// CreateRequest is the body of POST /api/v1/surveys: a survey defined as
// paved.yaml's surveys.definitions would.
type CreateRequest struct {
	ID        string                  `json:"id" doc:"a slug such as enps-2026-q1"`
	Title     string                  `json:"title"`
	Kind      string                  `json:"kind" doc:"enps, pulse or enps+pulse"`
	Opens     string                  `json:"opens" doc:"YYYY-MM-DD (UTC), the first day answers are taken"`
	Closes    string                  `json:"closes" doc:"YYYY-MM-DD (UTC), the last day answers are taken"`
	Teams     []string                `json:"teams,omitempty" doc:"the audience; empty is every team"`
	Questions []config.SurveyQuestion `json:"questions,omitempty" doc:"extra likert (with a SPACE dimension) or text questions"`
}

// Create stores a survey defined through the API or the UI.
func (s *Service) Create(ctx context.Context, req CreateRequest) (Survey, error) {
	d := config.SurveyDefinition{ID: strings.TrimSpace(req.ID), Title: strings.TrimSpace(req.Title), Kind: req.Kind,
		Opens: strings.TrimSpace(req.Opens), Closes: strings.TrimSpace(req.Closes), Teams: req.Teams, Questions: req.Questions}
	for i := range d.Questions {
		d.Questions[i].Text = strings.TrimSpace(d.Questions[i].Text)
	}
	if ps := d.Problems(); len(ps) > 0 {
		e := api.Invalid(ps[0].Field, "%s", ps[0].Msg)
		for _, p := range ps {
			e.Details = append(e.Details, p.Field+": "+p.Msg)
		}
		return Survey{}, e
	}
	if d.Closes < s.today() {
		return Survey{}, api.Invalid("closes", "%s is in the past; a new survey must close today (%s) or later", d.Closes, s.today())
	}
	for i, t := range d.Teams {
		if _, err := s.cat.Team(ctx, t); api.IsNotFound(err) {
			return Survey{}, api.Invalid(fmt.Sprintf("teams[%d]", i), "team %q does not exist in the catalog", t)
		} else if err != nil {
			return Survey{}, err
		}
	}
	sv := fromDefinition(d, SourceAPI, s.now().UTC())
	ok, err := s.store.insert(ctx, sv)
	if err != nil {
		return Survey{}, err
	}
	if !ok {
		return Survey{}, api.Conflict("a survey with id %q exists already; choose another id", d.ID)
	}
	return sv, nil
}

// Get returns one survey or a NotFound error.
func (s *Service) Get(ctx context.Context, id string) (Survey, error) {
	sv, err := s.store.get(ctx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return Survey{}, api.NotFound("survey %q does not exist", id)
	}
	return sv, err
}

// Summary is a survey with its status and response rate.
type Summary struct {
	Survey
	Status    string `json:"status" doc:"scheduled, open or closed"`
	Invited   int    `json:"invited"`
	Responses int    `json:"responses"`
	// ResponseRate is Responses / Invited, 0 to 1 (0 before any invite).
	ResponseRate float64 `json:"response_rate"`
}

// SurveyList is the body of GET /api/v1/surveys.
type SurveyList struct {
	Surveys []Summary `json:"surveys"`
}

// List returns every survey with its response rate, the latest to close
// first.
func (s *Service) List(ctx context.Context) ([]Summary, error) {
	all, err := s.store.list(ctx)
	if err != nil {
		return nil, err
	}
	totals, err := s.store.totals(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]Summary, 0, len(all))
	for _, sv := range all {
		t := totals[sv.ID]
		out = append(out, Summary{Survey: sv, Status: sv.Status(now), Invited: t.Invited, Responses: t.Responses,
			ResponseRate: rate(t.Responses, t.Invited)})
	}
	return out, nil
}

func rate(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}
