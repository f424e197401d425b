package catalog

import (
	"fmt"
	"strings"

	"github.com/paved-dev/paved/internal/slug"
	"github.com/paved-dev/paved/internal/yamlfile"
	"go.yaml.in/yaml/v3"
)

// Annotations paved reads from Backstage entities, beyond Backstage's own
// (github.com/project-slug, gitlab.com/project-slug, gitlab.com/instance,
// backstage.io/source-location, backstage.io/kubernetes-namespace).
const (
	// AnnotationNamespaces lists Kubernetes namespaces, each optionally
	// with its environment: "checkout-dev=dev, checkout-prod=prod".
	AnnotationNamespaces = "paved.dev/namespaces"
	// AnnotationCloudAccounts lists accounts as [provider:]id[=environment]:
	// "aws:123456789012=prod, gcp:shop-staging=staging".
	AnnotationCloudAccounts = "paved.dev/cloud-accounts"
	// AnnotationTier and AnnotationGoldenPath fill Service.Tier and .GoldenPath.
	AnnotationTier       = "paved.dev/tier"
	AnnotationGoldenPath = "paved.dev/golden-path"
	// AnnotationChat gives a Group its chat channel.
	AnnotationChat = "paved.dev/chat"
)

// backstageEntity is the part of a Backstage entity paved reads. Backstage
// entities carry many more fields; they are ignored, not errors.
type backstageEntity struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name        string            `yaml:"name"`
		Namespace   string            `yaml:"namespace"`
		Title       string            `yaml:"title"`
		Description string            `yaml:"description"`
		Annotations map[string]string `yaml:"annotations"`
	} `yaml:"metadata"`
	Spec struct {
		Type      string `yaml:"type"`
		Lifecycle string `yaml:"lifecycle"`
		Owner     string `yaml:"owner"`
		Profile   struct {
			DisplayName string `yaml:"displayName"`
			Email       string `yaml:"email"`
		} `yaml:"profile"`
		Members []string `yaml:"members"`
	} `yaml:"spec"`
}

func parseBackstage(doc *Document, root *yaml.Node, at Origin) *yamlfile.Error {
	var e backstageEntity
	if err := root.Decode(&e); err != nil {
		return &yamlfile.Error{File: at.File, Line: at.Line, Doc: at.Doc, Msg: "invalid Backstage entity: " + err.Error()}
	}
	bad := func(path, format string, args ...any) *yamlfile.Error {
		return &yamlfile.Error{File: at.File, Line: yamlfile.Line(root, path), Doc: at.Doc, Path: path, Msg: fmt.Sprintf(format, args...)}
	}
	name := slug.Normalize(e.Metadata.Name)
	if name == "" {
		return bad("metadata.name", "a name is required")
	}
	ann := e.Metadata.Annotations
	switch e.Kind {
	case "Group":
		doc.AddTeam(Team{
			Name:        name,
			DisplayName: first(e.Spec.Profile.DisplayName, e.Metadata.Title, e.Metadata.Name),
			Description: e.Metadata.Description,
			Contact:     Contact{Chat: ann[AnnotationChat], Email: e.Spec.Profile.Email},
			Members:     e.Spec.Members,
		}, at)
	case "Component":
		owner, err := ownerRef(e.Spec.Owner)
		if err != nil {
			return bad("spec.owner", "%v", err)
		}
		s := Service{
			Name:        name,
			Team:        owner,
			DisplayName: e.Metadata.Title,
			Description: e.Metadata.Description,
			Lifecycle:   e.Spec.Lifecycle,
			Type:        e.Spec.Type,
			Tier:        ann[AnnotationTier],
			GoldenPath:  ann[AnnotationGoldenPath],
			Repository:  repositoryFromAnnotations(ann),
		}
		if ns := ann["backstage.io/kubernetes-namespace"]; ns != "" {
			s.Namespaces = append(s.Namespaces, Namespace{Name: strings.TrimSpace(ns)})
		}
		for _, item := range splitList(ann[AnnotationNamespaces]) {
			n, env, _ := strings.Cut(item, "=")
			s.Namespaces = appendNamespace(s.Namespaces, Namespace{Name: strings.TrimSpace(n), Environment: strings.TrimSpace(env)})
		}
		for _, item := range splitList(ann[AnnotationCloudAccounts]) {
			a, err := parseAccount(item)
			if err != nil {
				return bad("metadata.annotations."+AnnotationCloudAccounts, "%v", err)
			}
			s.CloudAccounts = append(s.CloudAccounts, a)
		}
		doc.AddService(s, at)
	case "":
		return bad("kind", "kind is required")
	default:
		doc.Skipped = append(doc.Skipped, Skip{File: at.File, Doc: at.Doc, Kind: e.Kind, Name: e.Metadata.Name,
			Reason: "paved maps Group to team and Component to service; other kinds are not part of the ownership model"})
	}
	return nil
}

// ownerRef resolves a Backstage owner reference — "payments",
// "group:payments", "group:default/payments" — to a team name.
func ownerRef(ref string) (string, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return "", fmt.Errorf("an owner is required: paved keys every service on the team that owns it")
	}
	kind, rest, hasKind := strings.Cut(ref, ":")
	if !hasKind {
		rest, kind = ref, "group"
	}
	if !strings.EqualFold(kind, "group") {
		return "", fmt.Errorf("owner %q is a %s; paved needs a Group (team) as owner", ref, strings.ToLower(kind))
	}
	if i := strings.LastIndexByte(rest, '/'); i >= 0 {
		rest = rest[i+1:]
	}
	name := slug.Normalize(rest)
	if name == "" {
		return "", fmt.Errorf("owner %q names no group", ref)
	}
	return name, nil
}

func repositoryFromAnnotations(ann map[string]string) string {
	if s := strings.TrimSpace(ann["github.com/project-slug"]); s != "" {
		return "https://github.com/" + s
	}
	if s := strings.TrimSpace(ann["gitlab.com/project-slug"]); s != "" {
		host := strings.TrimSpace(ann["gitlab.com/instance"])
		if host == "" {
			host = "gitlab.com"
		}
		return "https://" + host + "/" + s
	}
	if s := strings.TrimSpace(ann["backstage.io/source-location"]); s != "" {
		return NormalizeRepository(s)
	}
	return ""
}

// parseAccount reads "[provider:]id[=environment]".
func parseAccount(item string) (CloudAccount, error) {
	var a CloudAccount
	rest, env, _ := strings.Cut(item, "=")
	a.Environment = strings.TrimSpace(env)
	if p, id, ok := strings.Cut(rest, ":"); ok {
		a.Provider, a.ID = strings.ToLower(strings.TrimSpace(p)), strings.TrimSpace(id)
	} else {
		a.ID = strings.TrimSpace(rest)
	}
	if a.ID == "" {
		return a, fmt.Errorf("%q has no account id; use [provider:]id[=environment], e.g. aws:123456789012=prod", item)
	}
	return a, nil
}

func appendNamespace(list []Namespace, ns Namespace) []Namespace {
	for i, n := range list {
		if n.Name == ns.Name {
			if ns.Environment != "" {
				list[i].Environment = ns.Environment
			}
			return list
		}
	}
	return append(list, ns)
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == ' ' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func first(vals ...string) string {
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
