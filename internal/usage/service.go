package usage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/slug"
	"github.com/paved-dev/paved/internal/store"
)

// Sources of known features: where paved learnt that a feature exists.
const (
	SourceUI     = "ui"     // a page of paved's UI
	SourceCLI    = "cli"    // a command of paved's CLI
	SourceConfig = "config" // usage.features in paved.yaml
	SourceEvents = "events" // only from the events it was used in
)

// Service is platform feature usage on one store: ingest, paved's own
// instrumentation and the summary.
type Service struct {
	store  *usageStore
	actors *actorHasher
	// cat maps teams onto the catalog; nil leaves them as sent.
	cat *catalog.Catalog
	log *slog.Logger
	now func() time.Time

	mu sync.Mutex
	// known maps the features paved knows of to their source.
	known map[string]string

	members atomic.Pointer[memberIndex]
	// rec is the queue of paved's own events, started on first use.
	rec *recorder
	// ingested counts events accepted through Ingest.
	ingested atomic.Int64
}

// NewService returns the usage service on db, knowing the features cfg
// declares, mapping teams with cat (nil for none).
func NewService(cfg config.Config, cat *catalog.Catalog, db *store.DB, log *slog.Logger) (*Service, error) {
	if log == nil {
		log = slog.Default()
	}
	s := &Service{
		store: &usageStore{db: db}, actors: &actorHasher{db: db}, cat: cat, log: log,
		now: time.Now, known: map[string]string{},
	}
	for i, f := range cfg.Usage.Features {
		name, err := CheckFeature(f)
		if err != nil {
			return nil, fmt.Errorf("usage.features[%d]: %w", i, err)
		}
		s.Declare(SourceConfig, name)
	}
	s.rec = newRecorder(s, DefaultQueueSize)
	return s, nil
}

// Declare makes features known, so that the summary lists them as unused
// when nobody uses them. A feature keeps the source it was first
// declared with.
func (s *Service) Declare(source string, features ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range features {
		if _, ok := s.known[f]; !ok {
			s.known[f] = source
		}
	}
}

// knownFeatures returns the declared features and the CLI's commands.
func (s *Service) knownFeatures() map[string]string {
	s.mu.Lock()
	out := make(map[string]string, len(s.known))
	for f, src := range s.known {
		out[f] = src
	}
	s.mu.Unlock()
	for _, f := range Commands() {
		if _, ok := out[f]; !ok {
			out[f] = SourceCLI
		}
	}
	return out
}

// IngestResult is the answer to POST /api/v1/usage.
type IngestResult struct {
	Received int `json:"received" doc:"events in the request"`
	Recorded int `json:"recorded" doc:"events counted now"`
	// Duplicates were received before (by id) and are not counted again.
	Duplicates int `json:"duplicates" doc:"events whose id was already received, not counted again"`
}

// Ingest stores validated events: teams mapped onto the catalog, actors
// hashed, events whose id was seen before skipped. An event without an
// id gets one, so it is always counted.
func (s *Service) Ingest(ctx context.Context, events []Event) (IngestResult, error) {
	res := IngestResult{Received: len(events)}
	recs := make([]record, len(events))
	for i, ev := range events {
		actor, err := s.actors.hash(ctx, ev.Actor)
		if err != nil {
			return res, err
		}
		id := ev.ID
		if id == "" {
			id = newID()
		}
		recs[i] = record{
			id: id, feature: ev.Feature, action: ev.Action, team: s.canonicalTeam(ev.Team), actor: actor,
			at: ev.Time.UTC(), properties: ev.Properties,
		}
		if recs[i].action == "" {
			recs[i].action = DefaultAction
		}
		if recs[i].at.IsZero() {
			recs[i].at = s.now().UTC()
		}
	}
	n, err := s.store.write(ctx, recs, s.now())
	if err != nil {
		return res, fmt.Errorf("recording usage events: %w", err)
	}
	res.Recorded, res.Duplicates = n, len(events)-n
	s.ingested.Add(int64(n))
	return res, nil
}

// canonicalTeam maps a team as sent onto the catalog (names and aliases);
// a team the catalog does not know is kept, normalised, so its use is
// still counted and can be claimed.
func (s *Service) canonicalTeam(raw string) string {
	if raw == "" {
		return ""
	}
	if s.cat != nil {
		if t := s.cat.Index().CanonicalTeam(raw); t != "" {
			return t
		}
	}
	return slug.Normalize(raw)
}

// memberIndex maps catalog team members to their team, for one catalog
// version.
type memberIndex struct {
	version int64
	team    map[string]string
}

// TeamOf returns the team whose members include who (compared without
// case, with or without a Backstage "user:default/" prefix), or "" when
// no team or more than one lists them.
func (s *Service) TeamOf(who string) string {
	if s.cat == nil || who == "" {
		return ""
	}
	ix := s.cat.Index()
	mi := s.members.Load()
	if mi == nil || mi.version != ix.Version() {
		mi = &memberIndex{version: ix.Version(), team: map[string]string{}}
		for _, t := range s.cat.Current().Teams {
			for _, m := range t.Members {
				k := memberKey(m)
				if prev, ok := mi.team[k]; ok && prev != t.Name {
					mi.team[k] = "" // in two teams: unknown
				} else {
					mi.team[k] = t.Name
				}
			}
		}
		s.members.Store(mi)
	}
	return mi.team[memberKey(who)]
}

// memberKey is a member reference without its Backstage kind and
// namespace ("user:default/alice" is "alice"), lower-cased.
func memberKey(m string) string {
	m = strings.ToLower(strings.TrimSpace(m))
	m = strings.TrimPrefix(m, "user:")
	if i := strings.LastIndexByte(m, '/'); i >= 0 {
		m = m[i+1:]
	}
	return m
}

func newID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return "ev_" + hex.EncodeToString(b)
}
