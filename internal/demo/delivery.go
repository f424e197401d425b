package demo

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/delivery"
)

// The demo's delivery history: a year of changes, deployments and
// incidents for the demo catalog's services, sent through package
// delivery's real ingest paths, so that the DORA pages, the team panels
// and the delivery API all run on linked data. Web platform and mobile
// reach paved as signed GitHub webhooks (pushes, merged pull requests,
// deployment statuses, issues labelled incident); search and
// data platform keep their code on GitHub (webhooks) but deploy with
// Argo CD, whose deployments and whose alerting's incidents arrive as
// CDEvents; the other teams run `paved event deploy` in CI with the
// commits listed (RecordDeployment) and report incidents through the API
// (RecordIncident). Mobile merges with merge commits, the others squash;
// web platform pushes most of its work straight to main.
//
// The teams are planted to land in different DORA bands on every banded
// metric, over the default 90 days and over the year: web-platform elite
// (seven or eight deployments a week, lead times of hours), most teams
// high, catalog, data-platform and mobile medium (a release every two to
// three weeks, lead times of weeks), fulfilment low (a release every
// seven weeks or so, lead times over a month, every other release in
// trouble: less often than the two-weekly releases with weeks-long lead
// times the word suggests, because DORA's bands put those in medium).
// Failures are rollbacks, fixes forward, failed deployments retried and
// incidents, linked by the deployment they name or by the incident
// window; one incident links to nothing. A machine-learning sandbox
// nobody registered deploys too, and shows up as unowned.
//
// Everything comes from Seed and the calendar: the schedule is laid out
// backwards from now's day, so the last 90 days always hold the same
// pattern, and two loads at one now store the same history.

// DeliveryConfig returns cfg with webhook secrets the demo can sign its
// deliveries with: the configured ones, else fresh random ones that live
// only in this process.
func DeliveryConfig(cfg config.Config) config.Config {
	d := &cfg.Delivery
	if d.GitHub.Secret == "" {
		d.GitHub.Secret = randomSecret()
	}
	if d.CDEvents.Token == "" {
		d.CDEvents.Token = randomSecret()
	}
	return cfg
}

// LoadDelivery sends the demo's year of delivery history up to now to
// svc, whose configuration (see DeliveryConfig) holds the secrets the
// webhooks are signed with. Repositories are sent side by side, each in
// time order, so that ingest's group commits take many at a time.
func LoadDelivery(ctx context.Context, svc *delivery.Service, cfg config.Config, cat *catalog.Catalog, now time.Time) error {
	plan := newDeliveryPlan(cat.Current(), now)
	snd := newDeliverySender(svc, cfg)
	return snd.sendAll(ctx, plan)
}

// deliverySender sends a plan through delivery's webhooks (served
// in-process, signed like the real senders sign) and its Go API.
type deliverySender struct {
	svc      *delivery.Service
	handler  http.Handler
	ghSecret []byte
	cdToken  string
}

func newDeliverySender(svc *delivery.Service, cfg config.Config) *deliverySender {
	mux := http.NewServeMux()
	for _, m := range svc.Mounts() {
		mux.Handle(m.Pattern, m.Handler)
	}
	return &deliverySender{svc: svc, handler: mux, ghSecret: []byte(cfg.Delivery.GitHub.Secret), cdToken: cfg.Delivery.CDEvents.Token}
}

// deliveryWorkers is how many repositories are sent at once: all of the
// demo's (about 60), so that each of ingest's group commits takes one
// event of every repository still sending. A repository's events go one
// at a time, in order, as its linking needs.
const deliveryWorkers = 64

// sendAll sends every repository's messages, busiest repositories first
// so that the long ones do not start last when there are more
// repositories than workers.
func (d *deliverySender) sendAll(ctx context.Context, plan *deliveryPlan) error {
	services := append([]*dvService(nil), plan.services...)
	sort.SliceStable(services, func(i, j int) bool { return len(services[i].messages) > len(services[j].messages) })
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan *dvService)
	errs := make(chan error, deliveryWorkers)
	var wg sync.WaitGroup
	for i := 0; i < deliveryWorkers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range jobs {
				if err := d.sendService(ctx, s); err != nil {
					errs <- err
					cancel()
					return
				}
			}
		}()
	}
feed:
	for _, s := range services {
		select {
		case jobs <- s:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	return ctx.Err()
}

// sendService sends one repository's messages in order.
func (d *deliverySender) sendService(ctx context.Context, s *dvService) error {
	for i := range s.messages {
		m := &s.messages[i]
		var err error
		switch {
		case m.change != nil:
			err = d.sendChange(ctx, s, m)
		case m.deploy != nil && s.source == viaGitHub:
			err = d.ghDeployment(ctx, s, m)
		case m.deploy != nil && s.source == viaArgo:
			err = d.cdDeployment(ctx, s, m)
		case m.deploy != nil:
			err = d.cliDeployment(ctx, s, m)
		case m.incident != nil && s.source == viaGitHub:
			err = d.ghIssue(ctx, s, m)
		case m.incident != nil && s.source == viaArgo:
			err = d.cdIncident(ctx, s, m)
		case m.incident != nil:
			err = d.cliIncident(ctx, s, m)
		}
		if err != nil {
			return fmt.Errorf("demo delivery for %s: %w", s.repository, err)
		}
	}
	return nil
}

// GitHub payloads, in the shape GitHub sends them (trimmed of the API
// links and people paved does not read).

// cliDeployment records a deployment as `paved event deploy` does.
func (d *deliverySender) cliDeployment(ctx context.Context, s *dvService, m *dvMessage) error {
	dep := m.deploy
	in := delivery.DeploymentInput{Key: "demo-" + dep.ref, ExternalID: "ci-" + dep.ref, Service: s.name, Environment: dep.environment,
		SHA: dep.sha, Rollback: dep.rollback, Fixes: dep.fixes, DeployedAt: dep.at}
	if s.name == "" {
		in.Repository = s.repository
	}
	if dep.failed {
		in.Status = delivery.StatusFailure
	}
	for _, c := range dep.commits {
		in.Commits = append(in.Commits, delivery.CommitInput{SHA: c.sha, Timestamp: c.at, Message: c.message})
	}
	_, err := d.svc.RecordDeployment(ctx, in)
	return err
}

// cliIncident records an incident, or its resolution, through the API.
func (d *deliverySender) cliIncident(ctx context.Context, s *dvService, m *dvMessage) error {
	in := m.incident
	rec := delivery.IncidentInput{ExternalID: fmt.Sprintf("%s-INC-%d", s.name, in.number), Service: s.name, Title: in.title,
		OpenedAt: in.opened, Deployment: in.deploySHA}
	rec.Key = rec.ExternalID + "-opened"
	if m.resolve {
		rec.Key, rec.ResolvedAt = rec.ExternalID+"-resolved", in.resolved
	}
	_, err := d.svc.RecordIncident(ctx, rec)
	return err
}

// post serves one webhook delivery in-process and fails on anything but
// a 2xx answer.
func (d *deliverySender) post(ctx context.Context, path string, body []byte, headers map[string]string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	req.ContentLength = int64(len(body))
	w := &dvResponse{header: http.Header{}}
	d.handler.ServeHTTP(w, req)
	if w.code < 200 || w.code > 299 {
		return fmt.Errorf("POST %s answered %d: %s", path, w.code, strings.TrimSpace(w.body.String()))
	}
	return nil
}

// dvResponse keeps a webhook's answer.
type dvResponse struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (w *dvResponse) Header() http.Header { return w.header }

func (w *dvResponse) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *dvResponse) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(b)
}

// deliveryGUID is a delivery id in GitHub's UUID form, stable for a
// repository's message and part.
func deliveryGUID(repository string, seq int, part string) string {
	sum := sha1.Sum([]byte(fmt.Sprintf("%s#%d#%s", repository, seq, part)))
	h := hex.EncodeToString(sum[:16])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// randomSecret is a webhook secret for this process only.
func randomSecret() string {
	b := make([]byte, 24)
	crand.Read(b)
	return hex.EncodeToString(b)
}
