package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/yamlfile"
)

// Origin is where an entity was read from, for error messages.
type Origin struct {
	File string
	Doc  int // 1-based document index, 0 for single-document files
	Line int
}

// Document is a set of entities applied together: all of it or none.
type Document struct {
	Teams        []Team
	Services     []Service
	Environments []Environment

	// Origins of the entities above, index for index (may be shorter when
	// entities were built in code rather than read from files).
	TeamsAt, ServicesAt, EnvironmentsAt []Origin

	// Skipped lists entities that were read but are not part of paved's
	// model (Backstage APIs, Systems, Users...), so the report can say so.
	Skipped []Skip
}

// Skip is an entity the import deliberately did not use.
type Skip struct {
	File   string `json:"file"`
	Doc    int    `json:"document"`
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// AddTeam appends a team with its origin.
func (d *Document) AddTeam(t Team, at Origin) {
	d.Teams = append(d.Teams, t)
	d.TeamsAt = append(d.TeamsAt, at)
}

// AddService appends a service with its origin.
func (d *Document) AddService(s Service, at Origin) {
	d.Services = append(d.Services, s)
	d.ServicesAt = append(d.ServicesAt, at)
}

// AddEnvironment appends an environment with its origin.
func (d *Document) AddEnvironment(e Environment, at Origin) {
	d.Environments = append(d.Environments, e)
	d.EnvironmentsAt = append(d.EnvironmentsAt, at)
}

// Merge appends other's entities to d.
func (d *Document) Merge(other Document) {
	for i, t := range other.Teams {
		d.AddTeam(t, originAt(other.TeamsAt, i))
	}
	for i, s := range other.Services {
		d.AddService(s, originAt(other.ServicesAt, i))
	}
	for i, e := range other.Environments {
		d.AddEnvironment(e, originAt(other.EnvironmentsAt, i))
	}
	d.Skipped = append(d.Skipped, other.Skipped...)
}

func originAt(list []Origin, i int) Origin {
	if i < len(list) {
		return list[i]
	}
	return Origin{}
}

// Counts tallies what an apply did to one kind of entity.
type Counts struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

func (c *Counts) add(ch Change) {
	switch ch {
	case Created:
		c.Created++
	case Updated:
		c.Updated++
	default:
		c.Unchanged++
	}
}

// EntityChange is one entity an apply created or updated.
type EntityChange struct {
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Change Change `json:"change"`
}

// Report is the outcome of an apply.
type Report struct {
	DryRun       bool           `json:"dry_run"`
	Teams        Counts         `json:"teams"`
	Services     Counts         `json:"services"`
	Environments Counts         `json:"environments"`
	Changes      []EntityChange `json:"changes"`
	Skipped      []Skip         `json:"skipped,omitempty"`
}

// ApplyOptions tune Apply.
type ApplyOptions struct {
	// DryRun validates and computes the report, then rolls back.
	DryRun bool
	// Source is recorded on every entity written ("backstage", "paved-yaml",
	// "demo"...). Entities keep the source they were given when empty.
	Source string
}

var errDryRun = errors.New("dry run")

// Apply validates every entity in doc against the document and the stored
// catalog and, when nothing is wrong, writes them all in one transaction.
// Any problem anywhere means nothing is written; the returned
// yamlfile.Errors name each problem's file, document and field. Applying
// the same document twice changes nothing the second time.
func (c *Catalog) Apply(ctx context.Context, doc Document, opts ApplyOptions) (Report, error) {
	rep := Report{DryRun: opts.DryRun, Changes: []EntityChange{}, Skipped: doc.Skipped}
	err := c.db.Tx(ctx, func(tx *sql.Tx) error {
		snap, err := loadSnapshot(ctx, tx)
		if err != nil {
			return err
		}
		if errs := validateDocument(&doc, snap, opts.Source); len(errs) > 0 {
			return errs
		}
		now := store.Now()
		oldEnvs := map[string]*Environment{}
		for i := range snap.Environments {
			oldEnvs[snap.Environments[i].Name] = &snap.Environments[i]
		}
		oldTeams := map[string]*Team{}
		for i := range snap.Teams {
			oldTeams[snap.Teams[i].Name] = &snap.Teams[i]
		}
		oldServices := map[string]*Service{}
		for i := range snap.Services {
			oldServices[snap.Services[i].Name] = &snap.Services[i]
		}
		changed := false
		note := func(kind, name string, ch Change, counts *Counts) {
			counts.add(ch)
			if ch != Unchanged {
				changed = true
				rep.Changes = append(rep.Changes, EntityChange{Kind: kind, Name: name, Change: ch})
			}
		}
		for _, e := range doc.Environments {
			ch, err := writeEnvironment(ctx, tx, e, oldEnvs[e.Name], now)
			if err != nil {
				return err
			}
			note("environment", e.Name, ch, &rep.Environments)
		}
		for _, t := range doc.Teams {
			ch, err := writeTeam(ctx, tx, t, oldTeams[t.Name], now)
			if err != nil {
				return err
			}
			note("team", t.Name, ch, &rep.Teams)
		}
		for _, s := range doc.Services {
			ch, err := writeService(ctx, tx, s, oldServices[s.Name], now)
			if err != nil {
				return err
			}
			note("service", s.Name, ch, &rep.Services)
		}
		if opts.DryRun {
			return errDryRun
		}
		if changed {
			return bumpVersion(ctx, tx)
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		return rep, nil
	}
	if err != nil {
		return Report{}, err
	}
	return rep, c.Refresh(ctx)
}

// sourceOf is the source recorded on an entity: the apply's when it names
// one, else the entity's own, else "api".
func sourceOf(own, apply string) string {
	switch {
	case apply != "":
		return apply
	case own != "":
		return own
	}
	return "api"
}

// validateDocument normalises every entity in place and reports every
// problem: invalid fields, duplicates within the document, services whose
// team exists neither in the document nor in the store, and environments
// that do not exist.
func validateDocument(doc *Document, snap Snapshot, source string) yamlfile.Errors {
	var errs yamlfile.Errors
	fail := func(at Origin, kind, name string, err error) {
		var ae *api.Error
		path, msg := "", err.Error()
		if errors.As(err, &ae) {
			path, msg = ae.Field, ae.Message
		}
		label := kind
		if name != "" {
			label = fmt.Sprintf("%s %q", kind, name)
		}
		if path != "" {
			path = label + ": " + path
		} else {
			path = label
		}
		file := at.File
		if file == "" {
			file = "(input)"
		}
		errs = append(errs, yamlfile.Error{File: file, Line: at.Line, Doc: at.Doc, Path: path, Msg: msg})
	}
	dup := func(kind, name string, at, first Origin) {
		where := first.File
		if first.Line > 0 {
			where = fmt.Sprintf("%s:%d", first.File, first.Line)
		}
		fail(at, kind, name, fmt.Errorf("defined twice; first at %s", where))
	}

	envs := map[string]bool{}
	for _, e := range snap.Environments {
		envs[e.Name] = true
	}
	seenEnv := map[string]Origin{}
	for i := range doc.Environments {
		e, at := &doc.Environments[i], originAt(doc.EnvironmentsAt, i)
		if err := e.Validate(); err != nil {
			fail(at, "environment", e.Name, err)
			continue
		}
		if first, ok := seenEnv[e.Name]; ok {
			dup("environment", e.Name, at, first)
		}
		seenEnv[e.Name] = at
		envs[e.Name] = true
	}

	teams := map[string]bool{}
	for _, t := range snap.Teams {
		teams[t.Name] = true
	}
	seenTeam := map[string]Origin{}
	for i := range doc.Teams {
		t, at := &doc.Teams[i], originAt(doc.TeamsAt, i)
		t.Normalize()
		t.Source = sourceOf(t.Source, source)
		if err := t.Validate(); err != nil {
			fail(at, "team", t.Name, err)
			continue
		}
		if first, ok := seenTeam[t.Name]; ok {
			dup("team", t.Name, at, first)
		}
		seenTeam[t.Name] = at
		teams[t.Name] = true
	}

	seenSvc := map[string]Origin{}
	for i := range doc.Services {
		s, at := &doc.Services[i], originAt(doc.ServicesAt, i)
		s.Normalize()
		s.Source = sourceOf(s.Source, source)
		if err := s.Validate(envs); err != nil {
			fail(at, "service", s.Name, err)
			continue
		}
		if first, ok := seenSvc[s.Name]; ok {
			dup("service", s.Name, at, first)
		}
		seenSvc[s.Name] = at
		if !teams[s.Team] {
			fail(at, "service", s.Name, api.Invalid("owner", "team %q does not exist in the catalog or in this import", s.Team))
		}
	}
	return errs
}

// Snapshot validates doc on its own (plus the given environments) and
// returns it as a catalog snapshot, for tools that read catalog files
// without a store, such as `paved check --catalog`.
func (d Document) Snapshot(envs []Environment) (Snapshot, error) {
	base := Snapshot{Environments: envs}
	if errs := validateDocument(&d, base, "file"); len(errs) > 0 {
		return Snapshot{}, errs
	}
	snap := Snapshot{Teams: d.Teams, Services: d.Services, Environments: append(envs, d.Environments...)}
	return snap, nil
}
