package delivery

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/slug"
)

// DeploymentInput is a deployment reported through the API (POST
// /api/v1/deployments) or the CLI (paved event deploy).
type DeploymentInput struct {
	// Key makes a retry safe: a second deployment with the same key is
	// not recorded again. Without one, the request body (for the CLI, the
	// input) is the key, so send deployed_at or a key to record two
	// otherwise identical deployments.
	Key string `json:"key,omitempty" doc:"idempotency key (the Idempotency-Key header takes precedence); a hash of the body when absent"`
	// ExternalID is the sender's id for the deployment: a later report
	// with the same one updates it (its status, say).
	ExternalID  string `json:"external_id,omitempty" doc:"the sender's deployment id; a later report with the same id updates it"`
	Service     string `json:"service,omitempty" doc:"catalog service; service or repository is required"`
	Repository  string `json:"repository,omitempty" doc:"repository URL; resolves the service when service is absent"`
	Environment string `json:"environment" doc:"environment deployed to, e.g. prod"`
	SHA         string `json:"sha,omitempty" doc:"commit deployed (full or at least 7 hex digits)"`
	Status      string `json:"status,omitempty" doc:"success (default) or failure"`
	Rollback    bool   `json:"rollback,omitempty" doc:"true for a rollback: it marks the service's previous production deployment rolled back"`
	Fixes       string `json:"fixes,omitempty" doc:"the deployment this one fixes: a paved or sender deployment id, or its commit"`
	// DeployedAt defaults to now.
	DeployedAt time.Time `json:"deployed_at,omitzero" doc:"RFC 3339; now when absent"`
	// Commits the deployment contains, oldest first, for senders without
	// push webhooks: unknown ones become changes.
	Commits []CommitInput `json:"commits,omitempty" doc:"commits the deployment contains, oldest first; unknown ones become changes"`
	// Source names the sender: SourceCLI when empty; the API sets
	// SourceAPI.
	Source string `json:"-"`
}

// CommitInput is one commit a deployment contains.
type CommitInput struct {
	SHA       string    `json:"sha"`
	Timestamp time.Time `json:"timestamp" doc:"when the commit was made (RFC 3339)"`
	Message   string    `json:"message,omitempty"`
}

// IncidentInput is an incident reported through the API (POST
// /api/v1/incidents) or the CLI (paved event incident). A later report
// with the same ExternalID updates it: send resolved_at to resolve it.
type IncidentInput struct {
	Key        string `json:"key,omitempty" doc:"idempotency key (the Idempotency-Key header takes precedence); a hash of the body when absent"`
	ExternalID string `json:"external_id,omitempty" doc:"the sender's incident id; a later report with the same id updates or resolves it"`
	Service    string `json:"service,omitempty" doc:"catalog service affected; service or repository is required for a new incident"`
	Repository string `json:"repository,omitempty"`
	Title      string `json:"title,omitempty"`
	URL        string `json:"url,omitempty"`
	// OpenedAt defaults to now for a new incident.
	OpenedAt   time.Time `json:"opened_at,omitzero" doc:"RFC 3339; now when absent for a new incident"`
	ResolvedAt time.Time `json:"resolved_at,omitzero" doc:"RFC 3339; resolves the incident"`
	// Deployment names the deployment that caused it (paved id, sender id
	// or commit); without it the incident window decides.
	Deployment string `json:"deployment,omitempty" doc:"deployment that caused it: paved id, sender id or commit; else the service's last production deployment within delivery.incident_window"`
	Source     string `json:"-"`
}

// DeploymentReceipt answers POST /api/v1/deployments.
type DeploymentReceipt struct {
	Deployment
	// Duplicate is true when the key was seen before and nothing changed.
	Duplicate bool `json:"duplicate,omitempty"`
}

// IncidentReceipt answers POST /api/v1/incidents.
type IncidentReceipt struct {
	Incident
	Duplicate bool `json:"duplicate,omitempty"`
}

// maxCommits bounds the commits one deployment may list.
const maxCommits = 1000

// RecordDeployment records a deployment and links it, returning it as
// stored. A replay of the same key returns the deployment recorded
// first.
func (s *Service) RecordDeployment(ctx context.Context, in DeploymentInput) (Deployment, error) {
	r, err := s.recordDeployment(ctx, in, "")
	return r.Deployment, err
}

// RecordIncident records (or updates) an incident and links it,
// returning it as stored.
func (s *Service) RecordIncident(ctx context.Context, in IncidentInput) (Incident, error) {
	r, err := s.recordIncident(ctx, in, "")
	return r.Incident, err
}

// recordDeployment is RecordDeployment with the key to use when the
// input has none (the API's body hash).
func (s *Service) recordDeployment(ctx context.Context, in DeploymentInput, fallbackKey string) (DeploymentReceipt, error) {
	source, err := inputSource(in.Source)
	if err != nil {
		return DeploymentReceipt{}, err
	}
	op, err := s.deploymentOp(in)
	if err != nil {
		return DeploymentReceipt{}, err
	}
	key, err := eventKey(source, in.Key, fallbackKey, in)
	if err != nil {
		return DeploymentReceipt{}, err
	}
	ev := &event{key: key, source: source, kind: "deployment", repository: op.repository, deploy: op}
	out, err := s.w.submit(ctx, ev)
	if err != nil {
		return DeploymentReceipt{}, err
	}
	id := out.id
	if out.duplicate {
		id = hashID("dep_", source, "key", key)
		if op.externalID != "" {
			id = hashID("dep_", source, op.externalID)
		}
	}
	d, err := s.Deployment(ctx, id)
	return DeploymentReceipt{Deployment: d, Duplicate: out.duplicate}, err
}

func (s *Service) recordIncident(ctx context.Context, in IncidentInput, fallbackKey string) (IncidentReceipt, error) {
	source, err := inputSource(in.Source)
	if err != nil {
		return IncidentReceipt{}, err
	}
	op, err := s.incidentOp(in)
	if err != nil {
		return IncidentReceipt{}, err
	}
	key, err := eventKey(source, in.Key, fallbackKey, in)
	if err != nil {
		return IncidentReceipt{}, err
	}
	ev := &event{key: key, source: source, kind: "incident", repository: op.repository, incident: op}
	out, err := s.w.submit(ctx, ev)
	if err != nil {
		return IncidentReceipt{}, err
	}
	id := out.id
	if out.duplicate {
		id = hashID("inc_", source, "key", key)
		if op.externalID != "" {
			id = hashID("inc_", source, op.externalID)
		}
	}
	inc, err := s.Incident(ctx, id)
	return IncidentReceipt{Incident: inc, Duplicate: out.duplicate}, err
}

func inputSource(src string) (string, error) {
	if src == "" {
		return SourceCLI, nil
	}
	if !slug.Valid(src) {
		return "", api.Invalid("source", "%q is not a source name (%s)", src, slug.Rule)
	}
	return src, nil
}

// eventKey is source:key, else source:fallback, else source: and a hash
// of the input.
func eventKey(source, key, fallback string, in any) (string, error) {
	key = strings.TrimSpace(key)
	if len(key) > 200 {
		return "", api.Invalid("key", "is %d characters long; use at most 200", len(key))
	}
	if key == "" {
		key = fallback
	}
	if key == "" {
		b, err := json.Marshal(in)
		if err != nil {
			return "", err
		}
		sum := sha256.Sum256(b)
		key = "sha256-" + hex.EncodeToString(sum[:])
	}
	return source + ":" + key, nil
}

// deploymentOp validates a deployment input, naming the field at fault.
func (s *Service) deploymentOp(in DeploymentInput) (*deployOp, error) {
	if strings.TrimSpace(in.Service) == "" && strings.TrimSpace(in.Repository) == "" {
		return nil, api.Invalid("service", "service or repository is required: name the catalog service deployed, or its repository URL")
	}
	if err := textField("service", in.Service, 200); err != nil {
		return nil, err
	}
	if err := textField("repository", in.Repository, 500); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Environment) == "" {
		return nil, api.Invalid("environment", "environment is required, e.g. prod")
	}
	if slug.Normalize(in.Environment) == "" || len(in.Environment) > 200 {
		return nil, api.Invalid("environment", "%q is not an environment name; use letters, digits and '-'", clip(in.Environment, 80))
	}
	op := &deployOp{repository: repoURL(in.Repository), service: strings.TrimSpace(in.Service), environment: in.Environment,
		rollback: in.Rollback, fixes: strings.TrimSpace(in.Fixes), externalID: strings.TrimSpace(in.ExternalID)}
	if err := textField("external_id", op.externalID, 200); err != nil {
		return nil, err
	}
	if err := textField("fixes", op.fixes, 200); err != nil {
		return nil, err
	}
	switch strings.ToLower(strings.TrimSpace(in.Status)) {
	case "", StatusSuccess:
		op.status = StatusSuccess
	case StatusFailure:
		op.status = StatusFailure
	default:
		return nil, api.Invalid("status", "%q is not a deployment status; use success or failure", clip(in.Status, 80))
	}
	if in.SHA != "" {
		if !isHex(in.SHA) {
			return nil, api.Invalid("sha", "%q is not a commit id (4 to 64 hex digits)", clip(in.SHA, 80))
		}
		op.sha = strings.ToLower(in.SHA)
	}
	now := s.now()
	switch {
	case in.DeployedAt.IsZero():
		op.deployedAt = now.UnixMilli()
	case in.DeployedAt.After(now.Add(time.Hour)):
		return nil, api.Invalid("deployed_at", "%s is in the future", in.DeployedAt.Format(time.RFC3339))
	case in.DeployedAt.Year() < 2000:
		return nil, api.Invalid("deployed_at", "%s is before 2000; send the deployment's time in RFC 3339", in.DeployedAt.Format(time.RFC3339))
	default:
		op.deployedAt = in.DeployedAt.UnixMilli()
	}
	if len(in.Commits) > maxCommits {
		return nil, api.Invalid("commits", "lists %d commits; send at most %d (the newest)", len(in.Commits), maxCommits)
	}
	if len(in.Commits) > 0 && s.own.resolve(op.service, op.repository).repository == "" {
		return nil, api.Invalid("commits", "commits need a repository: set repository, or give service %q a repository in the catalog", op.service)
	}
	for i, c := range in.Commits {
		f := fmt.Sprintf("commits[%d]", i)
		if !isHex(c.SHA) {
			return nil, api.Invalid(f+".sha", "%q is not a commit id (4 to 64 hex digits)", clip(c.SHA, 80))
		}
		if c.Timestamp.IsZero() {
			return nil, api.Invalid(f+".timestamp", "the commit's time is required (RFC 3339): lead time starts there")
		}
		op.commits = append(op.commits, commitIn{sha: strings.ToLower(c.SHA), at: c.Timestamp.UnixMilli(), title: firstLine(c.Message), distinct: true})
	}
	return op, nil
}

// incidentOp validates an incident input.
func (s *Service) incidentOp(in IncidentInput) (*incidentOp, error) {
	op := &incidentOp{externalID: strings.TrimSpace(in.ExternalID), service: strings.TrimSpace(in.Service), repository: repoURL(in.Repository),
		title: strings.TrimSpace(in.Title), url: strings.TrimSpace(in.URL), deployment: strings.TrimSpace(in.Deployment)}
	if op.externalID == "" && op.service == "" && op.repository == "" {
		return nil, api.Invalid("service", "service or repository is required (or external_id, to update an incident recorded before)")
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"external_id", op.externalID, 200}, {"service", op.service, 200}, {"repository", in.Repository, 500},
		{"title", op.title, 300}, {"url", op.url, 500}, {"deployment", op.deployment, 200}} {
		if err := textField(f.name, f.v, f.max); err != nil {
			return nil, err
		}
	}
	now := s.now()
	for _, t := range []struct {
		name string
		v    time.Time
	}{{"opened_at", in.OpenedAt}, {"resolved_at", in.ResolvedAt}} {
		if !t.v.IsZero() && t.v.After(now.Add(time.Hour)) {
			return nil, api.Invalid(t.name, "%s is in the future", t.v.Format(time.RFC3339))
		}
	}
	if !in.OpenedAt.IsZero() {
		op.openedAt = in.OpenedAt.UnixMilli()
	}
	if !in.ResolvedAt.IsZero() {
		op.resolvedAt = in.ResolvedAt.UnixMilli()
	}
	if op.openedAt != 0 && op.resolvedAt != 0 && op.resolvedAt < op.openedAt {
		return nil, api.Invalid("resolved_at", "is before opened_at")
	}
	if op.externalID == "" && op.openedAt == 0 && op.resolvedAt == 0 {
		op.openedAt = now.UnixMilli()
	}
	return op, nil
}

func textField(name, v string, max int) error {
	if len(v) > max {
		return api.Invalid(name, "is %d characters long; use at most %d", len(v), max)
	}
	if strings.ContainsFunc(v, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return api.Invalid(name, "contains control characters")
	}
	return nil
}
