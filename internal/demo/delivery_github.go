package demo

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// GitHub webhook payloads, in the shapes GitHub sends, signed as GitHub
// signs them.

type ghRepoJSON struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	FullName      string `json:"full_name"`
	Private       bool   `json:"private"`
	HTMLURL       string `json:"html_url"`
	CloneURL      string `json:"clone_url"`
	DefaultBranch string `json:"default_branch"`
	PushedAt      int64  `json:"pushed_at,omitempty"`
}

type ghUserJSON struct {
	Login string `json:"login"`
	Type  string `json:"type"`
}

type ghAuthorJSON struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	Username string `json:"username"`
}

type ghCommitJSON struct {
	ID        string       `json:"id"`
	TreeID    string       `json:"tree_id"`
	Distinct  bool         `json:"distinct"`
	Message   string       `json:"message"`
	Timestamp string       `json:"timestamp"`
	URL       string       `json:"url"`
	Author    ghAuthorJSON `json:"author"`
}

type ghPushJSON struct {
	Ref        string         `json:"ref"`
	Before     string         `json:"before"`
	After      string         `json:"after"`
	Created    bool           `json:"created"`
	Deleted    bool           `json:"deleted"`
	Forced     bool           `json:"forced"`
	Compare    string         `json:"compare"`
	Commits    []ghCommitJSON `json:"commits"`
	HeadCommit ghCommitJSON   `json:"head_commit"`
	Repository ghRepoJSON     `json:"repository"`
	Pusher     ghAuthorJSON   `json:"pusher"`
	Sender     ghUserJSON     `json:"sender"`
}

type ghRefJSON struct {
	Label string `json:"label"`
	Ref   string `json:"ref"`
	SHA   string `json:"sha"`
}

type ghPullJSON struct {
	Action      string `json:"action"`
	Number      int    `json:"number"`
	PullRequest struct {
		Number         int        `json:"number"`
		HTMLURL        string     `json:"html_url"`
		State          string     `json:"state"`
		Title          string     `json:"title"`
		User           ghUserJSON `json:"user"`
		CreatedAt      string     `json:"created_at"`
		UpdatedAt      string     `json:"updated_at"`
		ClosedAt       string     `json:"closed_at"`
		MergedAt       string     `json:"merged_at"`
		MergeCommitSHA string     `json:"merge_commit_sha"`
		Merged         bool       `json:"merged"`
		Head           ghRefJSON  `json:"head"`
		Base           ghRefJSON  `json:"base"`
		Commits        int        `json:"commits"`
	} `json:"pull_request"`
	Repository ghRepoJSON `json:"repository"`
	Sender     ghUserJSON `json:"sender"`
}

type ghDeploymentStatusJSON struct {
	Action           string `json:"action"`
	DeploymentStatus struct {
		ID          int64      `json:"id"`
		State       string     `json:"state"`
		Description string     `json:"description"`
		Environment string     `json:"environment"`
		CreatedAt   string     `json:"created_at"`
		UpdatedAt   string     `json:"updated_at"`
		Creator     ghUserJSON `json:"creator"`
	} `json:"deployment_status"`
	Deployment struct {
		ID                  int64          `json:"id"`
		SHA                 string         `json:"sha"`
		Ref                 string         `json:"ref"`
		Task                string         `json:"task"`
		Payload             map[string]any `json:"payload"`
		OriginalEnvironment string         `json:"original_environment"`
		Environment         string         `json:"environment"`
		Creator             ghUserJSON     `json:"creator"`
		CreatedAt           string         `json:"created_at"`
		UpdatedAt           string         `json:"updated_at"`
	} `json:"deployment"`
	Repository ghRepoJSON `json:"repository"`
	Sender     ghUserJSON `json:"sender"`
}

type ghLabelJSON struct {
	Name  string `json:"name"`
	Color string `json:"color"`
}

type ghIssueJSON struct {
	Action string `json:"action"`
	Issue  struct {
		Number    int           `json:"number"`
		Title     string        `json:"title"`
		HTMLURL   string        `json:"html_url"`
		State     string        `json:"state"`
		Labels    []ghLabelJSON `json:"labels"`
		User      ghUserJSON    `json:"user"`
		CreatedAt string        `json:"created_at"`
		UpdatedAt string        `json:"updated_at"`
		ClosedAt  *string       `json:"closed_at"`
	} `json:"issue"`
	Repository ghRepoJSON `json:"repository"`
	Sender     ghUserJSON `json:"sender"`
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (s *dvService) ghRepo() ghRepoJSON {
	sum := sha1.Sum([]byte(s.fullName))
	name := s.fullName[strings.LastIndexByte(s.fullName, '/')+1:]
	return ghRepoJSON{ID: 100_000_000 + int64(binary.BigEndian.Uint32(sum[:]))%600_000_000, Name: name, FullName: s.fullName, Private: true,
		HTMLURL: "https://github.com/" + s.fullName, CloneURL: "https://github.com/" + s.fullName + ".git", DefaultBranch: "main"}
}

func ghUser(member string) ghUserJSON {
	return ghUserJSON{Login: strings.ReplaceAll(member, ".", "-"), Type: "User"}
}

func (s *dvService) ghCommit(c dvCommit, distinct bool) ghCommitJSON {
	login := ghUser(c.author).Login
	tree := sha1.Sum([]byte("tree:" + c.sha))
	return ghCommitJSON{ID: c.sha, TreeID: hex.EncodeToString(tree[:]), Distinct: distinct, Message: c.message, Timestamp: rfc3339(c.at),
		URL:    "https://github.com/" + s.fullName + "/commit/" + c.sha,
		Author: ghAuthorJSON{Name: c.author, Email: c.author + "@example.com", Username: login}}
}

// ghPush pushes commits to branch.
func (d *deliverySender) ghPush(ctx context.Context, s *dvService, key, branch, before string, commits []ghCommitJSON) error {
	p := ghPushJSON{Ref: "refs/heads/" + branch, Before: before, After: commits[len(commits)-1].ID, Commits: commits,
		HeadCommit: commits[len(commits)-1], Repository: s.ghRepo()}
	p.Created = before == zeroSHA
	p.Compare = fmt.Sprintf("https://github.com/%s/compare/%s...%s", s.fullName, before[:12], p.After[:12])
	p.Repository.PushedAt = mustTime(p.HeadCommit.Timestamp).Unix()
	p.Pusher = commits[len(commits)-1].Author
	p.Sender = ghUserJSON{Login: p.Pusher.Username, Type: "User"}
	return d.github(ctx, "push", key, p)
}

const zeroSHA = "0000000000000000000000000000000000000000"

func mustTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return t
}

// sendChange sends a change as GitHub sends it: the branch's commits
// pushed, the pull request merged, and the merge pushed to main (the
// branch's commits again, no longer distinct, when it is a merge
// commit). A direct change is its commits pushed straight to main.
func (d *deliverySender) sendChange(ctx context.Context, s *dvService, m *dvMessage) error {
	c := m.change
	key := func(part string) string { return deliveryGUID(s.repository, m.seq, part) }
	if c.direct {
		var main []ghCommitJSON
		for _, dc := range c.commits {
			main = append(main, s.ghCommit(dc, true))
		}
		return d.ghPush(ctx, s, key("push"), "main", c.commits[0].sha, main)
	}
	if !c.squash {
		// The branch's pushes tell paved when its work started. Squash
		// teams open their pull request with the first commit, which
		// tells it as well.
		var branch []ghCommitJSON
		for _, bc := range c.commits {
			branch = append(branch, s.ghCommit(bc, true))
		}
		if err := d.ghPush(ctx, s, key("branch"), c.branch, zeroSHA, branch); err != nil {
			return err
		}
	}
	author := ghUser(c.commits[0].author)
	var pr ghPullJSON
	pr.Action, pr.Number = "closed", c.number
	p := &pr.PullRequest
	p.Number, p.State, p.Title, p.User = c.number, "closed", c.title, author
	p.HTMLURL = fmt.Sprintf("https://github.com/%s/pull/%d", s.fullName, c.number)
	p.CreatedAt, p.UpdatedAt, p.ClosedAt, p.MergedAt = rfc3339(c.opened), rfc3339(c.merge.at), rfc3339(c.merge.at), rfc3339(c.merge.at)
	p.MergeCommitSHA, p.Merged, p.Commits = c.merge.sha, true, len(c.commits)
	owner := strings.Split(s.fullName, "/")[0]
	head := c.commits[len(c.commits)-1].sha
	p.Head = ghRefJSON{Label: owner + ":" + c.branch, Ref: c.branch, SHA: head}
	p.Base = ghRefJSON{Label: owner + ":main", Ref: "main", SHA: c.commits[0].sha}
	pr.Repository, pr.Sender = s.ghRepo(), author
	if err := d.github(ctx, "pull_request", key("pull"), pr); err != nil {
		return err
	}
	var main []ghCommitJSON
	if !c.squash {
		for _, bc := range c.commits {
			main = append(main, s.ghCommit(bc, false))
		}
	}
	main = append(main, s.ghCommit(c.merge, true))
	return d.ghPush(ctx, s, key("main"), "main", c.commits[0].sha, main)
}

// ghDeployment sends a deployment's outcome as a deployment_status.
func (d *deliverySender) ghDeployment(ctx context.Context, s *dvService, m *dvMessage) error {
	dep := m.deploy
	var p ghDeploymentStatusJSON
	p.Action = "created"
	bot := ghUserJSON{Login: "github-actions[bot]", Type: "Bot"}
	st := &p.DeploymentStatus
	st.ID, st.State, st.Environment, st.Creator = dep.id*3+1, "success", dep.environment, bot
	st.CreatedAt, st.UpdatedAt = rfc3339(dep.at), rfc3339(dep.at)
	if dep.failed {
		st.State, st.Description = "failure", "Deployment failed: readiness probes did not pass"
	}
	dp := &p.Deployment
	dp.ID, dp.SHA, dp.Ref, dp.Task, dp.Environment, dp.OriginalEnvironment, dp.Creator = dep.id, dep.sha, "main", "deploy", dep.environment, dep.environment, bot
	dp.CreatedAt, dp.UpdatedAt = rfc3339(dep.at.Add(-3*minute)), rfc3339(dep.at)
	dp.Payload = map[string]any{}
	if dep.rollback {
		dp.Payload["rollback"] = true
		dp.Task = "deploy:rollback"
	}
	if dep.fixes != "" {
		dp.Payload["fixes"] = dep.fixes
	}
	p.Repository, p.Sender = s.ghRepo(), bot
	return d.github(ctx, "deployment_status", deliveryGUID(s.repository, m.seq, "deploy"), p)
}

// ghIssue opens or closes an issue labelled incident.
func (d *deliverySender) ghIssue(ctx context.Context, s *dvService, m *dvMessage) error {
	in := m.incident
	var p ghIssueJSON
	p.Action = "opened"
	is := &p.Issue
	is.Number, is.Title, is.State = in.number, in.title, "open"
	is.HTMLURL = fmt.Sprintf("https://github.com/%s/issues/%d", s.fullName, in.number)
	is.Labels = []ghLabelJSON{{Name: "incident", Color: "d73a4a"}, {Name: "sev2", Color: "e99695"}}
	is.User = ghUserJSON{Login: "pagerduty[bot]", Type: "Bot"}
	is.CreatedAt, is.UpdatedAt = rfc3339(in.opened), rfc3339(in.opened)
	if m.resolve {
		closed := rfc3339(in.resolved)
		p.Action, is.State, is.ClosedAt, is.UpdatedAt = "closed", "closed", &closed, closed
	}
	p.Repository, p.Sender = s.ghRepo(), is.User
	return d.github(ctx, "issues", deliveryGUID(s.repository, m.seq, "issue"), p)
}

// github posts one webhook delivery, signed with the secret.
func (d *deliverySender) github(ctx context.Context, event, guid string, payload any) error {
	body, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	mac := hmac.New(sha256.New, d.ghSecret)
	mac.Write(body)
	return d.post(ctx, "/webhooks/github", body, map[string]string{
		"X-GitHub-Event": event, "X-GitHub-Delivery": guid, "X-GitHub-Hook-ID": "48211937",
		"X-Hub-Signature-256": "sha256=" + hex.EncodeToString(mac.Sum(nil)),
		"User-Agent":          "GitHub-Hookshot/8e03811", "Content-Type": "application/json",
	})
}
