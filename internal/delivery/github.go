package delivery

import (
	"encoding/json"
	"fmt"
	"strings"
)

// GitHub webhooks (POST /webhooks/github) paved reads:
//
//   - deployment_status: success is a successful deployment, failure and
//     error a failed one, of deployment.sha to deployment.environment;
//     other states (pending, queued, in_progress, inactive) are not an
//     outcome and are acknowledged only. The deployment's id is its
//     identity, so a later status updates it. The deployment payload may
//     say it is unplanned work: {"rollback": true} for a rollback and
//     {"fixes": "<paved or GitHub deployment id, or commit>"} for a fix.
//   - push: commits on the repository's default branch land in order;
//     commits on other branches are remembered as a pull request's.
//   - pull_request, closed with merged true: a change, from its first
//     commit to its merge (or squash) commit.
//   - issues labelled with one of delivery.github.incident_labels:
//     opened (or labelled) opens an incident, closed resolves it,
//     reopened reopens it, and removing the label withdraws it.
//   - ping and everything else is acknowledged and recorded as ignored.

type ghRepository struct {
	HTMLURL       string   `json:"html_url"`
	CloneURL      string   `json:"clone_url"`
	FullName      string   `json:"full_name"`
	DefaultBranch string   `json:"default_branch"`
	PushedAt      jsonTime `json:"pushed_at"`
}

func (r *ghRepository) url() string {
	if r == nil {
		return ""
	}
	full := ""
	if r.FullName != "" {
		full = "https://github.com/" + r.FullName
	}
	return repoURL(r.HTMLURL, r.CloneURL, full)
}

type ghDeploymentStatus struct {
	Deployment *struct {
		ID          flexString      `json:"id"`
		SHA         string          `json:"sha"`
		Environment string          `json:"environment"`
		Payload     json.RawMessage `json:"payload"`
		CreatedAt   jsonTime        `json:"created_at"`
	} `json:"deployment"`
	DeploymentStatus *struct {
		State       string   `json:"state"`
		Environment string   `json:"environment"`
		CreatedAt   jsonTime `json:"created_at"`
	} `json:"deployment_status"`
	Repository *ghRepository `json:"repository"`
}

type ghPush struct {
	Ref        string        `json:"ref"`
	Deleted    bool          `json:"deleted"`
	Repository *ghRepository `json:"repository"`
	Commits    []struct {
		ID        string   `json:"id"`
		Message   string   `json:"message"`
		Timestamp jsonTime `json:"timestamp"`
		Distinct  *bool    `json:"distinct"`
	} `json:"commits"`
}

type ghPullRequest struct {
	Action      string `json:"action"`
	PullRequest *struct {
		Number         int64    `json:"number"`
		Title          string   `json:"title"`
		Merged         bool     `json:"merged"`
		MergeCommitSHA string   `json:"merge_commit_sha"`
		CreatedAt      jsonTime `json:"created_at"`
		MergedAt       jsonTime `json:"merged_at"`
		Head           struct {
			Ref string `json:"ref"`
			SHA string `json:"sha"`
		} `json:"head"`
	} `json:"pull_request"`
	Repository *ghRepository `json:"repository"`
}

type ghIssues struct {
	Action string `json:"action"`
	Issue  *struct {
		Number    int64    `json:"number"`
		Title     string   `json:"title"`
		HTMLURL   string   `json:"html_url"`
		State     string   `json:"state"`
		CreatedAt jsonTime `json:"created_at"`
		ClosedAt  jsonTime `json:"closed_at"`
		Labels    []struct {
			Name string `json:"name"`
		} `json:"labels"`
	} `json:"issue"`
	Label *struct {
		Name string `json:"name"`
	} `json:"label"`
	Repository *ghRepository `json:"repository"`
}

// parseGitHub turns one GitHub delivery into an event (without its key).
// labels are the incident labels, lower-cased.
func parseGitHub(kind string, body []byte, labels []string) (*event, error) {
	ev := &event{source: SourceGitHub, kind: kind}
	var err error
	switch kind {
	case "ping":
		ev.ignored = "ping: the webhook is set up"
	case "deployment_status":
		err = ghDeployment(ev, body)
	case "push":
		err = ghPushEvent(ev, body)
	case "pull_request":
		err = ghPullRequestEvent(ev, body)
	case "issues":
		err = ghIssuesEvent(ev, body, labels)
	case "":
		err = missing("X-GitHub-Event", "GitHub names the event in this header")
	default:
		ev.ignored = fmt.Sprintf("paved does not use %s events", clip(kind, 100))
	}
	if err != nil {
		return nil, err
	}
	return ev, nil
}

func ghDeployment(ev *event, body []byte) error {
	var p ghDeploymentStatus
	if err := decode(body, &p); err != nil {
		return err
	}
	if p.Deployment == nil {
		return missing("deployment", "a deployment_status event carries the deployment")
	}
	if p.DeploymentStatus == nil {
		return missing("deployment_status", "a deployment_status event carries the status")
	}
	ev.repository = p.Repository.url()
	if ev.repository == "" {
		return missing("repository.html_url", "the repository is how paved finds the service")
	}
	state := strings.ToLower(p.DeploymentStatus.State)
	ev.kind += "." + clip(state, 40)
	var status string
	switch state {
	case "success":
		status = StatusSuccess
	case "failure", "error":
		status = StatusFailure
	case "":
		return missing("deployment_status.state", "success, failure or error")
	default:
		ev.ignored = fmt.Sprintf("deployment state %q is not an outcome; paved records success, failure and error", clip(state, 40))
		return nil
	}
	if p.Deployment.ID == "" {
		return missing("deployment.id", "the deployment's id identifies it across its statuses")
	}
	sha, err := commitSHA("deployment.sha", p.Deployment.SHA)
	if err != nil {
		return err
	}
	env := p.DeploymentStatus.Environment
	if env == "" {
		env = p.Deployment.Environment
	}
	if strings.TrimSpace(env) == "" {
		return missing("deployment.environment", "the environment deployed to")
	}
	at, err := needTime("deployment_status.created_at", p.DeploymentStatus.CreatedAt, false)
	if err != nil {
		return err
	}
	if at == 0 {
		if at, err = needTime("deployment.created_at", p.Deployment.CreatedAt, true); err != nil {
			return err
		}
	}
	rollback, fixes := deploymentPayload(p.Deployment.Payload)
	ev.deploy = &deployOp{
		externalID:  clip(string(p.Deployment.ID), 200),
		repository:  ev.repository,
		environment: clip(env, 200),
		sha:         sha,
		status:      status,
		rollback:    rollback,
		fixes:       fixes,
		deployedAt:  at,
	}
	return nil
}

// deploymentPayload reads rollback and fixes from a GitHub deployment's
// payload: a JSON object, or a string holding one. Anything else is the
// deployer's own business and ignored.
func deploymentPayload(raw json.RawMessage) (rollback bool, fixes string) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		var s string
		if json.Unmarshal(raw, &s) != nil || json.Unmarshal([]byte(s), &obj) != nil {
			return false, ""
		}
	}
	var r, f flexString
	if v, ok := obj["rollback"]; ok && json.Unmarshal(v, &r) == nil {
		rollback = r.truthy()
	}
	if v, ok := obj["fixes"]; ok && json.Unmarshal(v, &f) == nil {
		fixes = clip(strings.TrimSpace(string(f)), 200)
	}
	return rollback, fixes
}

func ghPushEvent(ev *event, body []byte) error {
	var p ghPush
	if err := decode(body, &p); err != nil {
		return err
	}
	ev.repository = p.Repository.url()
	if ev.repository == "" {
		return missing("repository.html_url", "the repository is how paved finds the service")
	}
	switch {
	case !strings.HasPrefix(p.Ref, "refs/heads/"):
		ev.ignored = fmt.Sprintf("%q is not a branch", clip(p.Ref, 200))
		return nil
	case p.Deleted:
		ev.ignored = "the branch was deleted"
		return nil
	case len(p.Commits) == 0:
		ev.ignored = "the push has no commits"
		return nil
	}
	if p.Repository.DefaultBranch == "" {
		return missing("repository.default_branch", "paved lands commits pushed to the default branch")
	}
	op := &pushOp{repository: ev.repository, ref: clip(p.Ref, 300), defaultBranch: clip(p.Repository.DefaultBranch, 250)}
	if !p.Repository.PushedAt.bad {
		op.pushedAt = p.Repository.PushedAt.ms
	}
	for i, c := range p.Commits {
		sha, err := commitSHA(fmt.Sprintf("commits[%d].id", i), c.ID)
		if err != nil {
			return err
		}
		at, err := needTime(fmt.Sprintf("commits[%d].timestamp", i), c.Timestamp, true)
		if err != nil {
			return err
		}
		op.commits = append(op.commits, commitIn{sha: sha, at: at, title: firstLine(c.Message), distinct: c.Distinct == nil || *c.Distinct})
	}
	ev.push = op
	return nil
}

func ghPullRequestEvent(ev *event, body []byte) error {
	var p ghPullRequest
	if err := decode(body, &p); err != nil {
		return err
	}
	ev.kind += "." + clip(p.Action, 40)
	if p.PullRequest == nil {
		return missing("pull_request", "a pull_request event carries the pull request")
	}
	ev.repository = p.Repository.url()
	if p.Action != "closed" || !p.PullRequest.Merged {
		ev.ignored = "only merged pull requests are changes"
		return nil
	}
	if ev.repository == "" {
		return missing("repository.html_url", "the repository is how paved finds the service")
	}
	pr := p.PullRequest
	if pr.Number <= 0 {
		return missing("pull_request.number", "the pull request's number identifies it")
	}
	sha, err := commitSHA("pull_request.merge_commit_sha", pr.MergeCommitSHA)
	if err != nil {
		return err
	}
	merged, err := needTime("pull_request.merged_at", pr.MergedAt, true)
	if err != nil {
		return err
	}
	created, err := needTime("pull_request.created_at", pr.CreatedAt, false)
	if err != nil {
		return err
	}
	head := ""
	if isHex(pr.Head.SHA) {
		head = strings.ToLower(pr.Head.SHA)
	}
	ev.change = &changeOp{
		kind:       KindPullRequest,
		repository: ev.repository,
		number:     pr.Number,
		title:      clip(pr.Title, 300),
		sha:        sha,
		headRef:    clip(pr.Head.Ref, 250),
		headSHA:    head,
		createdAt:  created,
		mergedAt:   merged,
	}
	return nil
}

func ghIssuesEvent(ev *event, body []byte, labels []string) error {
	var p ghIssues
	if err := decode(body, &p); err != nil {
		return err
	}
	ev.kind += "." + clip(p.Action, 40)
	if p.Issue == nil {
		return missing("issue", "an issues event carries the issue")
	}
	ev.repository = p.Repository.url()
	is := p.Issue
	var names []string
	for _, l := range is.Labels {
		names = append(names, l.Name)
	}
	incident := hasLabel(labels, names...)
	removed := p.Action == "unlabeled" && p.Label != nil && hasLabel(labels, p.Label.Name) && !incident
	if !incident && !removed {
		ev.ignored = "the issue is not labelled as an incident (" + strings.Join(labels, ", ") + ")"
		return nil
	}
	if ev.repository == "" {
		return missing("repository.html_url", "the repository is how paved finds the service")
	}
	if is.Number <= 0 {
		return missing("issue.number", "the issue's number identifies the incident")
	}
	op := &incidentOp{
		externalID: fmt.Sprintf("%s#%d", ev.repository, is.Number),
		repository: ev.repository,
		title:      clip(is.Title, 300),
		url:        clip(is.HTMLURL, 500),
	}
	opened, err := needTime("issue.created_at", is.CreatedAt, true)
	if err != nil {
		return err
	}
	closed, err := needTime("issue.closed_at", is.ClosedAt, false)
	if err != nil {
		return err
	}
	switch p.Action {
	case "opened", "labeled", "edited", "transferred", "pinned", "unpinned", "milestoned", "demilestoned", "assigned", "unassigned":
		op.openedAt = opened
		if is.State == "closed" {
			op.resolvedAt = max(closed, opened)
		}
	case "reopened":
		op.openedAt, op.reopen = opened, true
	case "closed":
		op.openedAt = opened
		if closed == 0 {
			return missing("issue.closed_at", "a closed incident's resolution time")
		}
		op.resolvedAt = closed
	case "deleted":
		op.withdraw = true
	case "unlabeled":
		if incident {
			ev.ignored = "the issue is still labelled as an incident"
			return nil
		}
		op.withdraw = true
	default:
		ev.ignored = fmt.Sprintf("issue action %q does not change an incident", clip(p.Action, 40))
		return nil
	}
	ev.incident = op
	return nil
}
