package delivery

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/paved-dev/paved/internal/api"
)

// CDEvents (POST /webhooks/cdevents) arrive as CloudEvents over HTTP, in
// binary mode (ce-* headers, the CDEvent as the body), in structured mode
// (Content-Type application/cloudevents+json, the CDEvent in data), or as
// a bare CDEvent. paved reads, for any spec version whose event types are
// 0.x (v0.4 and v0.5, and drafts), by field name so that added fields do
// no harm:
//
//   - service.deployed, service.upgraded: a successful deployment of
//     subject.id to content.environment.id; service.rolledback: a rollback.
//     The commit and repository come from a git purl in
//     content.artifactId (pkg:github/org/repo@<sha>, pkg:gitlab/...,
//     ?vcs_url=git+https://...@<sha>), else from customData (sha, commit,
//     repository, ...). customData may also carry fixes, rollback and an
//     outcome of failure.
//   - incident.detected, incident.reported: opens the incident subject.id
//     of content.service.id; incident.resolved resolves it. A git purl in
//     artifactId, or customData.deployment, names the deployment.
//   - change.merged: a change of content.repository, its commit from
//     customData (sha, mergeCommitSha, commit, revision).
//
// Everything else is acknowledged and recorded as ignored.

// cloudEvent is the CloudEvents context paved needs and the CDEvent.
type cloudEvent struct {
	id, source, typ string
	data            []byte
}

type ceStructured struct {
	SpecVersion     string          `json:"specversion"`
	ID              flexString      `json:"id"`
	Source          string          `json:"source"`
	Type            string          `json:"type"`
	DataContentType string          `json:"datacontenttype"`
	Data            json.RawMessage `json:"data"`
	DataBase64      string          `json:"data_base64"`
}

type cdEvent struct {
	Context struct {
		ID        flexString `json:"id"`
		Source    string     `json:"source"`
		Type      string     `json:"type"`
		Timestamp jsonTime   `json:"timestamp"`
	} `json:"context"`
	Subject struct {
		ID      flexString                 `json:"id"`
		Source  string                     `json:"source"`
		Content map[string]json.RawMessage `json:"content"`
	} `json:"subject"`
	CustomData json.RawMessage `json:"customData"`
}

// readCloudEvent unwraps the delivery into its CloudEvent attributes and
// data, whichever HTTP mode it came in.
func readCloudEvent(h http.Header, body []byte) (cloudEvent, error) {
	ct, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	switch {
	case ct == "application/cloudevents-batch+json":
		return cloudEvent{}, &api.Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: "batched CloudEvents are not accepted; send one event per request"}
	case ct == "application/cloudevents+json":
		var s ceStructured
		if err := decode(body, &s); err != nil {
			return cloudEvent{}, err
		}
		ce := cloudEvent{id: string(s.ID), source: s.Source, typ: s.Type, data: s.Data}
		if s.DataBase64 != "" {
			data, err := base64.StdEncoding.DecodeString(s.DataBase64)
			if err != nil {
				return cloudEvent{}, &api.Error{Status: 400, Code: "bad_request", Field: "data_base64", Message: "is not base64"}
			}
			ce.data = data
		}
		if len(ce.data) == 0 {
			return cloudEvent{}, missing("data", "a structured CloudEvent carries the CDEvent in data")
		}
		return ce, nil
	}
	// Binary mode, or a bare CDEvent: ce-* headers are optional.
	return cloudEvent{id: h.Get("Ce-Id"), source: h.Get("Ce-Source"), typ: h.Get("Ce-Type"), data: body}, nil
}

// parseCDEvent turns one CDEvents delivery into an event and its
// idempotency key (source/id).
func parseCDEvent(h http.Header, body []byte, known func(env string) (known, production bool)) (*event, string, error) {
	ce, err := readCloudEvent(h, body)
	if err != nil {
		return nil, "", err
	}
	var cd cdEvent
	if err := decode(ce.data, &cd); err != nil {
		return nil, "", err
	}
	typ := cd.Context.Type
	if typ == "" {
		typ = ce.typ
	}
	id, source := ce.id, ce.source
	if id == "" {
		id, source = string(cd.Context.ID), cd.Context.Source
	}
	switch {
	case typ == "":
		return nil, "", missing("context.type", "a CDEvent type such as dev.cdevents.service.deployed.0.2.0 (or the ce-type header)")
	case id == "":
		return nil, "", missing("context.id", "the event id (or the ce-id header) makes redelivery safe")
	}
	key := clip(source, 500) + "/" + clip(id, 200)
	ev := &event{source: SourceCDEvents, kind: clip(typ, 200)}

	subject, predicate, version, ok := cdType(typ)
	if !ok {
		ev.ignored = fmt.Sprintf("%q is not a CDEvents type (dev.cdevents.<subject>.<predicate>.<version>)", clip(typ, 200))
		return ev, key, nil
	}
	if !strings.HasPrefix(version, "0.") {
		ev.ignored = fmt.Sprintf("event version %s is not supported; paved reads CDEvents types of version 0.x", clip(version, 40))
		return ev, key, nil
	}
	at, err := needTime("context.timestamp", cd.Context.Timestamp, true)
	if err != nil {
		return nil, "", err
	}
	custom := customData(cd.CustomData)
	content := cd.Subject.Content
	repo, sha := purlRepo(contentString(content, "artifactId"))
	if r := custom.get("repository", "repositoryUrl", "repository_url", "repo", "vcsUrl"); r != "" {
		repo = repoURL(r)
	}
	if s := custom.get("sha", "commit", "commitSha", "commit_sha", "revision", "gitCommit", "mergeCommitSha", "merge_commit_sha"); isHex(s) {
		sha = strings.ToLower(s)
	}
	ev.repository = repo

	switch subject + "." + predicate {
	case "service.deployed", "service.upgraded", "service.rolledback":
		env := contentID(content, "environment")
		if env == "" {
			return nil, "", missing("subject.content.environment.id", "the environment the service was deployed to")
		}
		service := string(cd.Subject.ID)
		if service == "" {
			return nil, "", missing("subject.id", "the service deployed")
		}
		status := StatusSuccess
		switch strings.ToLower(custom.get("outcome", "status", "result")) {
		case "failure", "failed", "error":
			status = StatusFailure
		}
		ev.deploy = &deployOp{
			externalID:  key,
			repository:  repo,
			service:     clip(service, 200),
			environment: clip(env, 200),
			sha:         sha,
			status:      status,
			rollback:    predicate == "rolledback" || flexString(custom.get("rollback")).truthy(),
			fixes:       clip(custom.get("fixes"), 200),
			deployedAt:  at,
		}
	case "incident.detected", "incident.reported", "incident.resolved":
		incID := string(cd.Subject.ID)
		if incID == "" {
			return nil, "", missing("subject.id", "the incident's id relates its detection and its resolution")
		}
		if env := contentID(content, "environment"); env != "" {
			if k, prod := known(env); k && !prod {
				ev.ignored = fmt.Sprintf("environment %q is not production", clip(env, 100))
				return ev, key, nil
			}
		}
		subjSource := cd.Subject.Source
		if subjSource == "" {
			subjSource = cd.Context.Source
		}
		op := &incidentOp{
			externalID: clip(subjSource, 300) + "/" + clip(incID, 200),
			repository: repo,
			service:    clip(contentID(content, "service"), 200),
			title:      clip(contentString(content, "description"), 300),
			url:        clip(firstNonEmpty(contentString(content, "ticketURI"), contentString(content, "url")), 500),
			deployment: clip(firstNonEmpty(custom.get("deployment", "deploymentId", "deployment_id"), sha), 200),
		}
		if predicate == "resolved" {
			op.resolvedAt = at
		} else {
			op.openedAt = at
		}
		ev.incident = op
	case "change.merged":
		if repo == "" {
			repo = cdRepository(content)
			ev.repository = repo
		}
		if repo == "" {
			ev.ignored = "the change names no repository (subject.content.repository)"
			return ev, key, nil
		}
		changeID := string(cd.Subject.ID)
		if changeID == "" {
			return nil, "", missing("subject.id", "the change's id")
		}
		op := &changeOp{kind: KindChange, repository: repo, externalID: clip(changeID, 200), sha: sha, mergedAt: at,
			title: clip(firstNonEmpty(custom.get("title"), contentString(content, "description")), 300)}
		if n, err := strconv.ParseInt(strings.TrimPrefix(changeID, "#"), 10, 64); err == nil && n > 0 {
			op.number = n
		}
		if ms, ok := parseTime(custom.get("firstCommitAt", "first_commit_at", "firstCommitTimestamp")); ok {
			op.firstCommitAt = ms
		}
		if ms, ok := parseTime(custom.get("createdAt", "created_at")); ok {
			op.createdAt = ms
		}
		op.headRef = clip(custom.get("branch", "sourceBranch", "source_branch"), 250)
		ev.change = op
	default:
		ev.ignored = fmt.Sprintf("paved does not use %s.%s events", clip(subject, 50), clip(predicate, 50))
	}
	return ev, key, nil
}

// cdType splits dev.cdevents.<subject>.<predicate>.<version>.
func cdType(typ string) (subject, predicate, version string, ok bool) {
	rest, found := strings.CutPrefix(typ, "dev.cdevents.")
	if !found {
		return "", "", "", false
	}
	parts := strings.SplitN(rest, ".", 3)
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return "", "", "", false
	}
	return strings.ToLower(parts[0]), strings.ToLower(parts[1]), parts[2], true
}

// contentString reads a string field of subject.content.
func contentString(content map[string]json.RawMessage, key string) string {
	var s flexString
	if raw, ok := content[key]; ok && json.Unmarshal(raw, &s) == nil && !strings.HasPrefix(string(s), "{") {
		return strings.TrimSpace(string(s))
	}
	return ""
}

// contentID reads a reference field of subject.content: {"id": ...} as
// the spec has it, or a bare string.
func contentID(content map[string]json.RawMessage, key string) string {
	raw, ok := content[key]
	if !ok {
		return ""
	}
	var ref struct {
		ID   flexString `json:"id"`
		Name string     `json:"name"`
	}
	if json.Unmarshal(raw, &ref) == nil {
		return strings.TrimSpace(firstNonEmpty(string(ref.ID), ref.Name))
	}
	return contentString(content, key)
}

// cdRepository reads change.merged's repository reference: a URL, or an
// id resolved against its source ({"id": "org/repo", "source":
// "https://github.com"}).
func cdRepository(content map[string]json.RawMessage) string {
	raw, ok := content["repository"]
	if !ok {
		return ""
	}
	var ref struct {
		ID      flexString `json:"id"`
		Source  string     `json:"source"`
		URL     string     `json:"url"`
		ViewURL string     `json:"viewUrl"`
		Owner   string     `json:"owner"`
		Name    string     `json:"name"`
	}
	if json.Unmarshal(raw, &ref) != nil {
		return repoURL(contentString(content, "repository"))
	}
	id := strings.Trim(string(ref.ID), "/ ")
	switch {
	case ref.URL != "" || ref.ViewURL != "":
		return repoURL(ref.URL, ref.ViewURL)
	case strings.Contains(id, "://"):
		return repoURL(id)
	case id != "" && (strings.HasPrefix(ref.Source, "http://") || strings.HasPrefix(ref.Source, "https://")):
		return repoURL(strings.TrimRight(ref.Source, "/") + "/" + id)
	}
	return ""
}

// purlRepo reads the repository and commit of a git-hosted package URL
// (pkg:github/org/repo@sha, pkg:gitlab/..., pkg:bitbucket/..., the
// common pkg:git/host/path@sha, or a vcs_url qualifier). Container and
// other purls name no commit: both come back "".
func purlRepo(purl string) (repo, sha string) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(purl), "pkg:")
	if !ok {
		return "", ""
	}
	rest, _, _ = strings.Cut(rest, "#")
	rest, query, _ := strings.Cut(rest, "?")
	if q, err := url.ParseQuery(query); err == nil {
		if vcs := q.Get("vcs_url"); vcs != "" {
			loc, rev, _ := strings.Cut(strings.TrimPrefix(vcs, "git+"), "@")
			if strings.Contains(loc, "://") {
				repo = repoURL(loc)
				if isHex(rev) {
					sha = strings.ToLower(rev)
				}
			}
		}
	}
	typ, path, _ := strings.Cut(rest, "/")
	path, version, _ := strings.Cut(path, "@")
	if v, err := url.PathUnescape(version); err == nil {
		version = v
	}
	host := map[string]string{"github": "github.com", "gitlab": "gitlab.com", "bitbucket": "bitbucket.org"}[strings.ToLower(typ)]
	switch {
	case host != "" && path != "":
		repo = repoURL("https://" + host + "/" + path)
	case strings.ToLower(typ) == "git" && strings.Contains(path, "/"):
		repo = repoURL("https://" + path)
	default:
		return repo, sha
	}
	if len(version) >= 7 && isHex(version) {
		sha = strings.ToLower(version)
	}
	return repo, sha
}

// custom is customData as a flat map of strings, for lenient lookups.
type custom map[string]string

func customData(raw json.RawMessage) custom {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	out := custom{}
	for k, v := range m {
		var s flexString
		if json.Unmarshal(v, &s) == nil {
			out[strings.ToLower(k)] = strings.TrimSpace(string(s))
		}
	}
	return out
}

// get returns the first of keys present (case-insensitive).
func (c custom) get(keys ...string) string {
	for _, k := range keys {
		if v := c[strings.ToLower(k)]; v != "" && !strings.HasPrefix(v, "{") && !strings.HasPrefix(v, "[") {
			return v
		}
	}
	return ""
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
