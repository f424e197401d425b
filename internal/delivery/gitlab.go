package delivery

import (
	"fmt"
	"strings"
)

// GitLab webhooks (POST /webhooks/gitlab) paved reads, by object_kind:
//
//   - deployment: status success or failed of the commit in commit_url
//     (short_sha when that is absent) to environment; running, created
//     and canceled are acknowledged only. deployment_id is its identity.
//   - push: as on GitHub, commits on the project's default branch land;
//     others are remembered as a merge request's.
//   - merge_request with action merge: a change whose commit is the
//     merge commit, else the squash commit, else the last commit
//     (fast-forward).
//   - issue (and work_item): GitLab incidents (type Incident) and issues
//     labelled with one of delivery.gitlab.incident_labels: open opens,
//     close resolves, reopen reopens; an update that removes the label
//     withdraws it.
//   - everything else is acknowledged and recorded as ignored.

type glProject struct {
	WebURL        string `json:"web_url"`
	HTTPURL       string `json:"git_http_url"`
	DefaultBranch string `json:"default_branch"`
}

type glHeader struct {
	ObjectKind string     `json:"object_kind"`
	Project    *glProject `json:"project"`
	Repository *struct {
		Homepage string `json:"homepage"`
		URL      string `json:"url"`
	} `json:"repository"`
}

func (h glHeader) url() string {
	var cands []string
	if h.Project != nil {
		cands = append(cands, h.Project.WebURL, h.Project.HTTPURL)
	}
	if h.Repository != nil {
		cands = append(cands, h.Repository.Homepage, h.Repository.URL)
	}
	return repoURL(cands...)
}

type glDeployment struct {
	Status          string     `json:"status"`
	StatusChangedAt jsonTime   `json:"status_changed_at"`
	DeploymentID    flexString `json:"deployment_id"`
	DeployableID    flexString `json:"deployable_id"`
	Environment     string     `json:"environment"`
	ShortSHA        string     `json:"short_sha"`
	CommitURL       string     `json:"commit_url"`
}

type glPush struct {
	Ref     string `json:"ref"`
	After   string `json:"after"`
	Commits []struct {
		ID        string   `json:"id"`
		Message   string   `json:"message"`
		Title     string   `json:"title"`
		Timestamp jsonTime `json:"timestamp"`
	} `json:"commits"`
}

type glMergeRequest struct {
	Attrs *struct {
		IID             int64    `json:"iid"`
		Title           string   `json:"title"`
		Action          string   `json:"action"`
		State           string   `json:"state"`
		SourceBranch    string   `json:"source_branch"`
		MergeCommitSHA  string   `json:"merge_commit_sha"`
		SquashCommitSHA string   `json:"squash_commit_sha"`
		CreatedAt       jsonTime `json:"created_at"`
		UpdatedAt       jsonTime `json:"updated_at"`
		MergedAt        jsonTime `json:"merged_at"`
		LastCommit      *struct {
			ID string `json:"id"`
		} `json:"last_commit"`
	} `json:"object_attributes"`
}

type glLabel struct {
	Title string `json:"title"`
}

type glIssue struct {
	Attrs *struct {
		IID       int64     `json:"iid"`
		Title     string    `json:"title"`
		URL       string    `json:"url"`
		State     string    `json:"state"`
		Action    string    `json:"action"`
		Type      string    `json:"type"`
		IssueType string    `json:"issue_type"`
		CreatedAt jsonTime  `json:"created_at"`
		UpdatedAt jsonTime  `json:"updated_at"`
		ClosedAt  jsonTime  `json:"closed_at"`
		Labels    []glLabel `json:"labels"`
	} `json:"object_attributes"`
	Labels  []glLabel `json:"labels"`
	Changes *struct {
		Labels *struct {
			Previous []glLabel `json:"previous"`
		} `json:"labels"`
	} `json:"changes"`
}

// parseGitLab turns one GitLab delivery into an event (without its key).
// header is X-Gitlab-Event, used when the body names no object_kind.
func parseGitLab(header string, body []byte, labels []string) (*event, error) {
	var h glHeader
	if err := decode(body, &h); err != nil {
		return nil, err
	}
	kind := h.ObjectKind
	if kind == "" {
		kind = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(header), " Hook"))
	}
	ev := &event{source: SourceGitLab, kind: clip(kind, 100), repository: h.url()}
	var err error
	switch kind {
	case "deployment":
		err = glDeploymentEvent(ev, body)
	case "push":
		err = glPushEvent(ev, body, h)
	case "merge_request":
		err = glMergeRequestEvent(ev, body)
	case "issue", "work_item":
		err = glIssueEvent(ev, body, labels)
	case "":
		return nil, missing("object_kind", "GitLab names the event kind in the body (and X-Gitlab-Event)")
	default:
		ev.ignored = fmt.Sprintf("paved does not use %s events", clip(kind, 100))
	}
	if err != nil {
		return nil, err
	}
	if ev.ignored == "" && ev.repository == "" {
		return nil, missing("project.web_url", "the project is how paved finds the service")
	}
	return ev, nil
}

func glDeploymentEvent(ev *event, body []byte) error {
	var p glDeployment
	if err := decode(body, &p); err != nil {
		return err
	}
	ev.kind += "." + clip(p.Status, 40)
	var status string
	switch p.Status {
	case "success":
		status = StatusSuccess
	case "failed":
		status = StatusFailure
	case "":
		return missing("status", "success or failed")
	default:
		ev.ignored = fmt.Sprintf("deployment status %q is not an outcome; paved records success and failed", clip(p.Status, 40))
		return nil
	}
	id := p.DeploymentID
	if id == "" {
		id = p.DeployableID
	}
	if id == "" {
		return missing("deployment_id", "the deployment's id identifies it across its statuses")
	}
	raw := p.ShortSHA
	if i := strings.LastIndex(p.CommitURL, "/commit/"); i >= 0 {
		raw = strings.Trim(p.CommitURL[i+len("/commit/"):], "/")
	}
	sha, err := commitSHA("commit_url", raw)
	if err != nil {
		return err
	}
	if strings.TrimSpace(p.Environment) == "" {
		return missing("environment", "the environment deployed to")
	}
	at, err := needTime("status_changed_at", p.StatusChangedAt, true)
	if err != nil {
		return err
	}
	ev.deploy = &deployOp{
		externalID:  clip(string(id), 200),
		repository:  ev.repository,
		environment: clip(p.Environment, 200),
		sha:         sha,
		status:      status,
		deployedAt:  at,
	}
	return nil
}

func glPushEvent(ev *event, body []byte, h glHeader) error {
	var p glPush
	if err := decode(body, &p); err != nil {
		return err
	}
	switch {
	case !strings.HasPrefix(p.Ref, "refs/heads/"):
		ev.ignored = fmt.Sprintf("%q is not a branch", clip(p.Ref, 200))
		return nil
	case strings.Trim(p.After, "0") == "" && p.After != "":
		ev.ignored = "the branch was deleted"
		return nil
	case len(p.Commits) == 0:
		ev.ignored = "the push has no commits"
		return nil
	}
	if h.Project == nil || h.Project.DefaultBranch == "" {
		return missing("project.default_branch", "paved lands commits pushed to the default branch")
	}
	op := &pushOp{repository: ev.repository, ref: clip(p.Ref, 300), defaultBranch: clip(h.Project.DefaultBranch, 250)}
	for i, c := range p.Commits {
		sha, err := commitSHA(fmt.Sprintf("commits[%d].id", i), c.ID)
		if err != nil {
			return err
		}
		at, err := needTime(fmt.Sprintf("commits[%d].timestamp", i), c.Timestamp, true)
		if err != nil {
			return err
		}
		title := c.Title
		if title == "" {
			title = c.Message
		}
		op.commits = append(op.commits, commitIn{sha: sha, at: at, title: firstLine(title), distinct: true})
	}
	ev.push = op
	return nil
}

func glMergeRequestEvent(ev *event, body []byte) error {
	var p glMergeRequest
	if err := decode(body, &p); err != nil {
		return err
	}
	a := p.Attrs
	if a == nil {
		return missing("object_attributes", "a merge request event carries the merge request")
	}
	ev.kind += "." + clip(a.Action, 40)
	if a.Action != "merge" {
		ev.ignored = "only merged merge requests are changes"
		return nil
	}
	if a.IID <= 0 {
		return missing("object_attributes.iid", "the merge request's number identifies it")
	}
	raw, field := a.MergeCommitSHA, "object_attributes.merge_commit_sha"
	if raw == "" {
		raw, field = a.SquashCommitSHA, "object_attributes.squash_commit_sha"
	}
	head := ""
	if a.LastCommit != nil && isHex(a.LastCommit.ID) {
		head = strings.ToLower(a.LastCommit.ID)
	}
	if raw == "" {
		raw, field = head, "object_attributes.last_commit.id"
	}
	sha, err := commitSHA(field, raw)
	if err != nil {
		return err
	}
	merged, err := needTime("object_attributes.merged_at", a.MergedAt, false)
	if err != nil {
		return err
	}
	if merged == 0 {
		// Merging is the update this event reports.
		if merged, err = needTime("object_attributes.updated_at", a.UpdatedAt, true); err != nil {
			return err
		}
	}
	created, err := needTime("object_attributes.created_at", a.CreatedAt, false)
	if err != nil {
		return err
	}
	ev.change = &changeOp{
		kind:       KindMergeRequest,
		repository: ev.repository,
		number:     a.IID,
		title:      clip(a.Title, 300),
		sha:        sha,
		headRef:    clip(a.SourceBranch, 250),
		headSHA:    head,
		createdAt:  created,
		mergedAt:   merged,
	}
	return nil
}

func glIssueEvent(ev *event, body []byte, labels []string) error {
	var p glIssue
	if err := decode(body, &p); err != nil {
		return err
	}
	a := p.Attrs
	if a == nil {
		return missing("object_attributes", "an issue event carries the issue")
	}
	ev.kind += "." + clip(a.Action, 40)
	var names []string
	for _, l := range append(append([]glLabel(nil), a.Labels...), p.Labels...) {
		names = append(names, l.Title)
	}
	incident := strings.EqualFold(a.Type, "incident") || strings.EqualFold(a.IssueType, "incident") || hasLabel(labels, names...)
	wasLabelled := false
	if p.Changes != nil && p.Changes.Labels != nil {
		var prev []string
		for _, l := range p.Changes.Labels.Previous {
			prev = append(prev, l.Title)
		}
		wasLabelled = hasLabel(labels, prev...)
	}
	if !incident && !wasLabelled {
		ev.ignored = "the issue is neither a GitLab incident nor labelled as one (" + strings.Join(labels, ", ") + ")"
		return nil
	}
	if a.IID <= 0 {
		return missing("object_attributes.iid", "the issue's number identifies the incident")
	}
	op := &incidentOp{
		externalID: fmt.Sprintf("%s#%d", ev.repository, a.IID),
		repository: ev.repository,
		title:      clip(a.Title, 300),
		url:        clip(a.URL, 500),
	}
	opened, err := needTime("object_attributes.created_at", a.CreatedAt, true)
	if err != nil {
		return err
	}
	closed, err := needTime("object_attributes.closed_at", a.ClosedAt, false)
	if err != nil {
		return err
	}
	updated, err := needTime("object_attributes.updated_at", a.UpdatedAt, false)
	if err != nil {
		return err
	}
	if closed == 0 {
		closed = updated
	}
	switch {
	case !incident:
		op.withdraw = true // the update removed the label
	case a.Action == "reopen":
		op.openedAt, op.reopen = opened, true
	case a.Action == "close" || a.State == "closed":
		op.openedAt = opened
		if closed == 0 {
			return missing("object_attributes.closed_at", "a closed incident's resolution time")
		}
		op.resolvedAt = max(closed, opened)
	case a.Action == "open" || a.Action == "update" || a.Action == "":
		op.openedAt = opened
	default:
		ev.ignored = fmt.Sprintf("issue action %q does not change an incident", clip(a.Action, 40))
		return nil
	}
	ev.incident = op
	return nil
}
