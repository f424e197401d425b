package demo

import (
	"context"
	"encoding/json"
	"fmt"
)

// CDEvents, as Argo CD's notifications and the alerting send them: bare
// CDEvents (v0.4) over HTTP with the shared token.

type cdContextJSON struct {
	Version   string `json:"version"`
	ID        string `json:"id"`
	Source    string `json:"source"`
	Type      string `json:"type"`
	Timestamp string `json:"timestamp"`
}

type cdEventJSON struct {
	Context cdContextJSON `json:"context"`
	Subject struct {
		ID      string         `json:"id"`
		Source  string         `json:"source"`
		Type    string         `json:"type"`
		Content map[string]any `json:"content"`
	} `json:"subject"`
	CustomData map[string]any `json:"customData,omitempty"`
}

func (s *dvService) purl(sha string) string { return "pkg:github/" + s.fullName + "@" + sha }

// cdDeployment sends service.deployed (or service.rolledback).
func (d *deliverySender) cdDeployment(ctx context.Context, s *dvService, m *dvMessage) error {
	dep := m.deploy
	env := "prod"
	if dep.environment == "staging" {
		env = "staging"
	}
	var ev cdEventJSON
	typ := "dev.cdevents.service.deployed.0.2.0"
	if dep.rollback {
		typ = "dev.cdevents.service.rolledback.0.2.0"
	}
	source := "/argocd/" + env
	ev.Context = cdContextJSON{Version: "0.4.1", ID: deliveryGUID(s.repository, m.seq, "cd"), Source: source, Type: typ, Timestamp: rfc3339(dep.at)}
	ev.Subject.ID, ev.Subject.Source, ev.Subject.Type = s.name, source, "service"
	ev.Subject.Content = map[string]any{"environment": map[string]any{"id": env, "source": "/argocd"}, "artifactId": s.purl(dep.sha)}
	custom := map[string]any{"argocdApplication": s.name + "-" + env}
	if dep.failed {
		custom["outcome"] = "failure"
	}
	if dep.fixes != "" {
		custom["fixes"] = dep.fixes
	}
	ev.CustomData = custom
	return d.cdevent(ctx, ev)
}

// cdIncident sends incident.detected (naming the commit running) or
// incident.resolved.
func (d *deliverySender) cdIncident(ctx context.Context, s *dvService, m *dvMessage) error {
	in := m.incident
	var ev cdEventJSON
	typ, at := "dev.cdevents.incident.detected.0.2.0", in.opened
	if m.resolve {
		typ, at = "dev.cdevents.incident.resolved.0.2.0", in.resolved
	}
	const source = "/alertmanager/prod"
	ev.Context = cdContextJSON{Version: "0.4.1", ID: deliveryGUID(s.repository, m.seq, "cd"), Source: source, Type: typ, Timestamp: rfc3339(at)}
	ev.Subject.ID, ev.Subject.Source, ev.Subject.Type = fmt.Sprintf("%s-%d", s.name, in.number), source, "incident"
	ev.Subject.Content = map[string]any{"description": in.title, "environment": map[string]any{"id": "prod"},
		"service": map[string]any{"id": s.name, "source": "/k8s/prod/" + s.name + "-prod"}}
	if in.deploySHA != "" {
		ev.Subject.Content["artifactId"] = s.purl(in.deploySHA)
	}
	return d.cdevent(ctx, ev)
}

func (d *deliverySender) cdevent(ctx context.Context, ev cdEventJSON) error {
	body, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	return d.post(ctx, "/webhooks/cdevents", body, map[string]string{"Authorization": "Bearer " + d.cdToken, "Content-Type": "application/json"})
}
