package delivery

import "time"

// Deployment is one deployment of a service to an environment.
type Deployment struct {
	ID          string    `json:"id"`
	Source      string    `json:"source"`
	ExternalID  string    `json:"external_id,omitempty"`
	Repository  string    `json:"repository,omitempty"`
	Service     string    `json:"service,omitempty"`
	Team        string    `json:"team,omitempty"`
	Environment string    `json:"environment"`
	Production  bool      `json:"production"`
	SHA         string    `json:"sha,omitempty"`
	Status      string    `json:"status"` // StatusSuccess or StatusFailure
	Rollback    bool      `json:"rollback,omitempty"`
	Fixes       string    `json:"fixes,omitempty"` // the deployment this one fixes
	DeployedAt  time.Time `json:"deployed_at"`
	// Failure says why the deployment counts as failed ("" when it does not).
	Failure     string    `json:"failure,omitempty"`
	RecoveredAt time.Time `json:"recovered_at,omitzero"`
	RecoveredBy string    `json:"recovered_by,omitempty"`
	// Changes is how many changes reached production with it.
	Changes int `json:"changes"`
}

// Deployment statuses.
const (
	StatusSuccess = "success"
	StatusFailure = "failure"
)

// Why a deployment counts as failed.
const (
	FailureFailed     = "failed"      // the deployment itself failed
	FailureRolledBack = "rolled_back" // a later deployment rolled it back
	FailureFixed      = "fixed"       // a later deployment names it in fixes
	FailureIncident   = "incident"    // an incident is linked to it
)

// Unplanned reports whether the deployment is rework: a rollback or a fix.
func (d Deployment) Unplanned() bool { return d.Rollback || d.Fixes != "" }

// Change is the unit of lead time: a merged pull or merge request, a
// change.merged CDEvent, or a commit pushed straight to the default branch.
type Change struct {
	ID            string    `json:"id"`
	Repository    string    `json:"repository"`
	Service       string    `json:"service,omitempty"`
	Team          string    `json:"team,omitempty"`
	Kind          string    `json:"kind"` // pull_request, merge_request, change or commit
	Number        int64     `json:"number,omitempty"`
	Title         string    `json:"title,omitempty"`
	SHA           string    `json:"sha"`
	FirstCommitAt time.Time `json:"first_commit_at"`
	MergedAt      time.Time `json:"merged_at"`
	DeploymentID  string    `json:"deployment_id,omitempty"`
	DeployedAt    time.Time `json:"deployed_at,omitzero"`
}

// LeadTime is the time from the change's first commit to the first
// successful production deployment containing it; ok is false while it is
// not deployed.
func (c Change) LeadTime() (lead time.Duration, ok bool) {
	if c.DeploymentID == "" || c.DeployedAt.IsZero() {
		return 0, false
	}
	return c.DeployedAt.Sub(c.FirstCommitAt), true
}

// Incident is a production incident.
type Incident struct {
	ID           string    `json:"id"`
	Source       string    `json:"source"`
	ExternalID   string    `json:"external_id,omitempty"`
	Repository   string    `json:"repository,omitempty"`
	Service      string    `json:"service,omitempty"`
	Team         string    `json:"team,omitempty"`
	Title        string    `json:"title,omitempty"`
	URL          string    `json:"url,omitempty"`
	OpenedAt     time.Time `json:"opened_at"`
	ResolvedAt   time.Time `json:"resolved_at,omitzero"`
	DeploymentID string    `json:"deployment_id,omitempty"`
	// Link is how DeploymentID was found: LinkExplicit, LinkWindow or "".
	Link string `json:"link,omitempty"`
}

// How an incident was linked to a deployment.
const (
	LinkExplicit = "explicit" // the event named the deployment or its commit
	LinkWindow   = "window"   // the service's last production deployment within the window
)

// Change kinds.
const (
	KindPullRequest  = "pull_request"  // a merged GitHub pull request
	KindMergeRequest = "merge_request" // a merged GitLab merge request
	KindChange       = "change"        // a CDEvents change.merged
	KindCommit       = "commit"        // a commit pushed straight to the default branch
)

// Sources of delivery events.
const (
	SourceGitHub   = "github"
	SourceGitLab   = "gitlab"
	SourceCDEvents = "cdevents"
	SourceAPI      = "api"
	SourceCLI      = "cli"
)

// Unowned is a repository (or a service name the catalog does not know,
// as "service:NAME") that delivery events arrived for without an owner.
type Unowned struct {
	Repository string    `json:"repository"`
	Events     int64     `json:"events"`
	FirstSeen  time.Time `json:"first_seen"`
	LastSeen   time.Time `json:"last_seen"`
}

// Filter narrows the lists of deployments, changes and incidents. Empty
// fields do not filter; From and To bound the deployment, merge or
// opening time (From included, To excluded).
type Filter struct {
	Team        string
	Service     string
	Environment string
	From, To    time.Time
	// Limit caps the list, newest first (DefaultLimit when 0).
	Limit int
}

// List limits.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
)
