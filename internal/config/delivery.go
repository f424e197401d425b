package config

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/slug"
)

// Delivery configures where delivery events come from and how DORA reads
// them.
type Delivery struct {
	// GitHub verifies GitHub webhooks.
	GitHub DeliveryGitHub `yaml:"github"`
	// GitLab verifies GitLab webhooks.
	GitLab DeliveryGitLab `yaml:"gitlab"`
	// CDEvents verifies POST /webhooks/cdevents.
	CDEvents DeliveryCDEvents `yaml:"cdevents"`
	// IncidentWindow is how long before an incident opened a production
	// deployment of its service may have caused it, as a Go duration
	// ("24h", "90m"); 24h when empty.
	IncidentWindow string `yaml:"incident_window"`
	// Services holds per-service settings, keyed by catalog service name.
	Services map[string]DeliveryService `yaml:"services"`
}

// DeliveryGitHub configures POST /webhooks/github.
type DeliveryGitHub struct {
	// Secret is the webhook secret (env PAVED_GITHUB_WEBHOOK_SECRET).
	Secret string `yaml:"secret"`
	// IncidentLabels are the issue labels that make an issue an incident
	// (matched case-insensitively); ["incident"] when empty.
	IncidentLabels []string `yaml:"incident_labels"`
}

// DeliveryGitLab configures POST /webhooks/gitlab.
type DeliveryGitLab struct {
	// Token is the webhook secret token (env PAVED_GITLAB_WEBHOOK_TOKEN).
	Token string `yaml:"token"`
	// IncidentLabels are the issue labels that make an issue an incident,
	// besides GitLab's own incident issue type; ["incident"] when empty.
	IncidentLabels []string `yaml:"incident_labels"`
}

// DeliveryCDEvents configures POST /webhooks/cdevents. CDEvents have no
// signature of their own, so senders present a shared token.
type DeliveryCDEvents struct {
	// Token is the bearer token senders send as "Authorization: Bearer
	// <token>" (env PAVED_CDEVENTS_TOKEN).
	Token string `yaml:"token"`
}

// DeliveryService is what paved.yaml says about one service's deliveries.
type DeliveryService struct {
	// ProductionEnvironments replaces, for this service, the catalog's
	// answer to which environments are production. Names are compared
	// after normalisation and the ownership environment aliases.
	ProductionEnvironments []string `yaml:"production_environments"`
}

// Delivery defaults and bounds.
const (
	DefaultIncidentWindow = 24 * time.Hour
	MaxIncidentWindow     = 30 * 24 * time.Hour
	DefaultIncidentLabel  = "incident"
)

// IncidentWindowOrDefault returns the incident window, 24 h when unset or
// unreadable (Load rejects unreadable values).
func (d Delivery) IncidentWindowOrDefault() time.Duration {
	if w, err := time.ParseDuration(strings.TrimSpace(d.IncidentWindow)); err == nil && w > 0 {
		return w
	}
	return DefaultIncidentWindow
}

// LabelsOrDefault returns the incident labels, ["incident"] when unset.
func (g DeliveryGitHub) LabelsOrDefault() []string { return labelsOrDefault(g.IncidentLabels) }

// LabelsOrDefault returns the incident labels, ["incident"] when unset.
func (g DeliveryGitLab) LabelsOrDefault() []string { return labelsOrDefault(g.IncidentLabels) }

func labelsOrDefault(labels []string) []string {
	if len(labels) == 0 {
		return []string{DefaultIncidentLabel}
	}
	return labels
}

func (v *validator) delivery(c Config) {
	d := c.Delivery
	if s := strings.TrimSpace(d.IncidentWindow); s != "" {
		w, err := time.ParseDuration(s)
		switch {
		case err != nil:
			v.add("delivery.incident_window", "%q is not a duration; use a Go duration such as 24h, 90m or 48h (default 24h)", d.IncidentWindow)
		case w <= 0 || w > MaxIncidentWindow:
			v.add("delivery.incident_window", "%s is out of range; use more than 0 and at most 720h (30 days)", d.IncidentWindow)
		}
	}
	v.incidentLabels("delivery.github.incident_labels", d.GitHub.IncidentLabels)
	v.incidentLabels("delivery.gitlab.incident_labels", d.GitLab.IncidentLabels)
	names := make([]string, 0, len(d.Services))
	for name := range d.Services {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := "delivery.services." + name
		if err := slug.Check(name); err != nil {
			v.add(p, "%v", err)
		}
		envs := d.Services[name].ProductionEnvironments
		if envs == nil {
			v.add(p+".production_environments", "is required: list the environments that are production for %s (an empty list [] means none is)", name)
		}
		seen := map[string]int{}
		for i, e := range envs {
			f := fmt.Sprintf("%s.production_environments[%d]", p, i)
			n := slug.Normalize(e)
			if n == "" {
				v.add(f, "%q is not an environment name; use letters, digits and '-'", e)
				continue
			}
			if j, dup := seen[n]; dup {
				v.add(f, "duplicate environment %q (also production_environments[%d])", e, j)
			}
			seen[n] = i
		}
	}
}

func (v *validator) incidentLabels(path string, labels []string) {
	seen := map[string]int{}
	for i, l := range labels {
		p := fmt.Sprintf("%s[%d]", path, i)
		k := strings.ToLower(strings.TrimSpace(l))
		if k == "" {
			v.add(p, "empty label; name the issue label that marks an incident, e.g. incident")
			continue
		}
		if j, dup := seen[k]; dup {
			v.add(p, "duplicate label %q (also %s[%d]; labels are matched case-insensitively)", l, path, j)
		}
		seen[k] = i
	}
}
