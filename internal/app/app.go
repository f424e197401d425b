// Package app wires paved together — configuration, store, catalog, auth,
// HTTP server and UI — for `paved serve` and for tests that need the whole
// thing on a real socket.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"time"

	"github.com/paved-dev/paved/internal/admission"
	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/auth"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/cost"
	"github.com/paved-dev/paved/internal/delivery"
	"github.com/paved-dev/paved/internal/delivery/dora"
	"github.com/paved-dev/paved/internal/demo"
	"github.com/paved-dev/paved/internal/policy"
	"github.com/paved-dev/paved/internal/server"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/survey"
	"github.com/paved-dev/paved/internal/usage"
	"github.com/paved-dev/paved/internal/web"
)

// Options tune Open.
type Options struct {
	// Demo loads the demo organisation and opens the UI to anonymous readers.
	Demo    bool
	Version string
	Logger  *slog.Logger
}

// App is a running paved instance's parts.
type App struct {
	Config  config.Config
	DB      *store.DB
	Catalog *catalog.Catalog
	Auth    *auth.Store
	Policy  *policy.Service
	// Cost is FinOps: billing imports and the reports on them.
	Cost *cost.Service
	// Delivery is deployments, changes and incidents from webhooks, the
	// API and the CLI, linked as they arrive.
	Delivery *delivery.Service
	// Survey is the developer surveys: eNPS and the SPACE pulse.
	Survey *survey.Service
	// Admission is the validating and mutating webhooks; Recorder writes
	// their decisions.
	Admission *admission.Handler
	Recorder  *admission.Recorder
	Server    *server.Server
	// Routes is every JSON API route the server mounts.
	Routes []api.Route
	// Usage is platform feature usage, paved's own page views included.
	Usage *usage.Service
}

// OpenStore opens and migrates the database named by cfg.
func OpenStore(ctx context.Context, cfg config.Config) (*store.DB, error) {
	db, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// OpenCatalog opens the store and the catalog with the configured
// environments in place: what every CLI command that touches the catalog
// needs.
func OpenCatalog(ctx context.Context, cfg config.Config) (*store.DB, *catalog.Catalog, error) {
	db, err := OpenStore(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	cat, err := OpenCatalogOn(ctx, cfg, db)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, cat, nil
}

// OpenCatalogOn loads the catalog from an open store, with the configured
// environments in place and the onboarding defaults for new teams.
func OpenCatalogOn(ctx context.Context, cfg config.Config, db *store.DB) (*catalog.Catalog, error) {
	cat, err := catalog.New(ctx, db, cfg.Ownership)
	if err == nil {
		err = cat.SyncEnvironments(ctx, cfg.Environments)
	}
	// Onboarding defaults for new teams, in the order they are reported.
	if days := cfg.PolicySettings.NewTeams.GraceDays; err == nil && days > 0 {
		cat.AddOnboardStep(policy.GraceStep(days, time.Now))
	}
	if err == nil && cfg.Cost.Budgets.Default != nil {
		cat.AddOnboardStep(cost.BudgetStep(cfg.Cost))
	}
	if err != nil {
		return nil, fmt.Errorf("loading the catalog: %w", err)
	}
	return cat, nil
}

// Open builds a complete paved server on cfg.
func Open(ctx context.Context, cfg config.Config, opts Options) (*App, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	db, cat, err := OpenCatalog(ctx, cfg)
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, DB: db, Catalog: cat, Auth: auth.NewStore(db), Cost: cost.NewService(cfg, cat, db)}
	if err := a.openGuardrails(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if a.Usage, err = usage.NewService(cfg, cat, db, opts.Logger); err != nil {
		db.Close()
		return nil, err
	}
	a.Survey = survey.NewService(cfg, cat, db)
	if err := a.Survey.Sync(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if opts.Demo {
		if _, err := demo.Load(ctx, cat); err != nil {
			db.Close()
			return nil, fmt.Errorf("loading the demo organisation: %w", err)
		}
	}
	// The UI's Delivery page reads through the same service ingest
	// writes through.
	a.Delivery = delivery.NewService(cfg, cat, db)
	ui, err := web.New(web.Options{
		Catalog:    cat,
		Auth:       a.Auth,
		Policy:     a.Policy,
		Cost:       a.Cost,
		Survey:     a.Survey,
		Usage:      a.Usage,
		Delivery:   a.Delivery,
		DORA:       dora.NewService(db, cat),
		Demo:       opts.Demo,
		SessionTTL: time.Duration(cfg.Server.SessionHours) * time.Hour,
		Version:    opts.Version,
		Logger:     opts.Logger,
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	spoolDir := cfg.Admission.SpoolDir
	if spoolDir == "" {
		spoolDir = filepath.Join(cfg.DataDir, "admission-spool")
	}
	if a.Recorder, err = admission.NewRecorder(a.Policy.Store, spoolDir, cfg.Admission.QueueSize, opts.Logger); err != nil {
		db.Close()
		return nil, err
	}
	a.Admission = admission.New(admission.Options{Config: cfg, Policy: a.Policy, Catalog: cat, Recorder: a.Recorder, Logger: opts.Logger})
	webhooks := map[string]http.Handler{}
	for _, m := range a.Admission.Mounts() {
		webhooks[m.Pattern] = m.Handler
	}
	for _, m := range a.Delivery.Mounts() {
		webhooks[m.Pattern] = m.Handler
	}
	a.Routes = append(a.Routes, cat.Routes()...)
	a.Routes = append(a.Routes, a.Auth.Routes()...)
	a.Routes = append(a.Routes, a.Policy.Routes()...)
	a.Routes = append(a.Routes, a.Cost.Routes()...)
	a.Routes = append(a.Routes, a.Cost.BudgetRoutes()...)
	a.Routes = append(a.Routes, dora.Routes(db, cat)...)
	a.Routes = append(a.Routes, a.Delivery.Routes()...)
	a.Routes = append(a.Routes, a.Survey.Routes()...)
	a.Routes = append(a.Routes, a.Usage.Routes()...)
	a.Server, err = server.New(server.Options{
		DB:           db,
		Auth:         a.Auth,
		Version:      opts.Version,
		Routes:       a.Routes,
		UI:           ui,
		MaxBodyBytes: cfg.Server.MaxBodyBytes,
		Webhooks:     webhooks,
		Logger:       opts.Logger,
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	a.Admission.Register(a.Server.Registry)
	a.Server.Registry.MustRegister(a.Cost.Collector())
	a.Server.Registry.MustRegister(a.Usage.Collectors()...)
	a.Recorder.Start()
	return a, nil
}

// LoadDemoHistory gives a fresh demo database the history of the demo
// organisation (a month of CI checks, six months of cloud bills with
// budgets and alerts, a year of deliveries and portal usage, two
// quarters of surveys) through the capabilities' own ingest paths. `paved
// serve --demo` calls it; tests that want the demo catalog without
// history do not. A capability whose tables already have history keeps
// it. The two load side by side: the checks spend their time in the
// policy engine, the bills largely in the database.
func (a *App) LoadDemoHistory(ctx context.Context) error {
	now := time.Now()
	month, err := a.Cost.LatestMonth(ctx)
	if err != nil {
		return err
	}
	costs := make(chan error, 1)
	if month == "" {
		go func() { costs <- demo.LoadCosts(ctx, a.Cost, a.Catalog, now) }()
	} else {
		costs <- nil
	}
	// A year of deliveries, the surveys and a year of portal usage load
	// beside them, each only into empty tables.
	dx, err := a.loadDemoDX(ctx, now)
	if err != nil {
		<-costs
		return err
	}
	days, err := a.Policy.Store.Days(ctx, now.AddDate(-1, 0, 0), "", "")
	if err == nil && len(days) == 0 {
		err = demo.LoadGuardrails(ctx, a.Policy, a.Catalog, a.Config, now)
	}
	if costErr := <-costs; err == nil {
		err = costErr
	}
	for range cap(dx) {
		if dxErr := <-dx; err == nil {
			err = dxErr
		}
	}
	return err
}

// loadDemoDX starts loading the demo's developer-experience history —
// deliveries (through a delivery service of its own, whose webhooks it
// signs with secrets that live only in this process), surveys and usage —
// into whichever of their tables are empty. Each load reports on the
// channel returned, which has room for all three.
func (a *App) loadDemoDX(ctx context.Context, now time.Time) (chan error, error) {
	deps, err := a.Delivery.Deployments(ctx, delivery.Filter{Limit: 1})
	if err != nil {
		return nil, err
	}
	surveys, err := a.Survey.List(ctx)
	if err != nil {
		return nil, err
	}
	invited := 0
	for _, s := range surveys {
		invited += s.Invited
	}
	used, err := a.Usage.Summary(ctx, usage.MaxWeeks)
	if err != nil {
		return nil, err
	}
	dx := make(chan error, 3)
	run := func(empty bool, load func() error) {
		if !empty {
			dx <- nil
			return
		}
		go func() { dx <- load() }()
	}
	run(len(deps) == 0, func() error {
		cfg := demo.DeliveryConfig(a.Config)
		svc := delivery.NewService(cfg, a.Catalog, a.DB)
		defer svc.Close()
		return demo.LoadDelivery(ctx, svc, cfg, a.Catalog, now)
	})
	run(invited == 0, func() error { return demo.LoadSurveys(ctx, a.Config, a.Catalog, a.DB, now) })
	run(used.Platform.Events == 0, func() error { return demo.LoadUsage(ctx, a.Usage, a.Catalog, now) })
	return dx, nil
}

// openGuardrails loads the policies.
func (a *App) openGuardrails(ctx context.Context) error {
	ps := policy.NewStore(a.DB)
	grace, err := ps.Grace(ctx)
	if err != nil {
		return err
	}
	if a.Policy, err = policy.NewService(ctx, a.Config, ps, grace); err != nil {
		return fmt.Errorf("loading policies: %w", err)
	}
	return nil
}

// Close flushes the admission decisions still queued (to the database,
// or to the spool if it does not answer within 10 s) and releases the
// database.
func (a *App) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a.Recorder.Close(ctx)
	a.Delivery.Close()
	a.Usage.Close(ctx)
	return a.DB.Close()
}
