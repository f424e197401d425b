package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDeliveryValid(t *testing.T) {
	cfg, err := loadString(t, `
delivery:
  github:
    secret: s3cret
    incident_labels: [incident, "Sev 1"]
  gitlab:
    token: t0ken
  incident_window: 36h
  services:
    checkout:
      production_environments: [prod, prod-eu]
    batch:
      production_environments: []
`)
	if err != nil {
		t.Fatal(err)
	}
	d := cfg.Delivery
	if d.GitHub.Secret != "s3cret" || d.GitLab.Token != "t0ken" {
		t.Errorf("secrets = %q, %q", d.GitHub.Secret, d.GitLab.Token)
	}
	if got := d.IncidentWindowOrDefault(); got != 36*time.Hour {
		t.Errorf("incident window = %v, want 36h", got)
	}
	if got := d.GitHub.LabelsOrDefault(); !reflect.DeepEqual(got, []string{"incident", "Sev 1"}) {
		t.Errorf("github labels = %v", got)
	}
	if got := d.GitLab.LabelsOrDefault(); !reflect.DeepEqual(got, []string{"incident"}) {
		t.Errorf("gitlab labels default = %v", got)
	}
	if got := d.Services["checkout"].ProductionEnvironments; !reflect.DeepEqual(got, []string{"prod", "prod-eu"}) {
		t.Errorf("checkout production environments = %v", got)
	}
	if got := d.Services["batch"].ProductionEnvironments; got == nil || len(got) != 0 {
		t.Errorf("an empty list must stay an empty (non-nil) list: %#v", got)
	}
}

func TestDeliveryDefaults(t *testing.T) {
	cfg, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Delivery.IncidentWindowOrDefault(); got != 24*time.Hour {
		t.Errorf("default incident window = %v", got)
	}
	if got := cfg.Delivery.GitHub.LabelsOrDefault(); !reflect.DeepEqual(got, []string{"incident"}) {
		t.Errorf("default github labels = %v", got)
	}
}

func TestDeliveryInvalid(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"window not a duration", "delivery:\n  incident_window: a day\n",
			[]string{`paved.yaml:2: delivery.incident_window: "a day" is not a duration; use a Go duration such as 24h`}},
		{"window out of range", "delivery:\n  incident_window: 800h\n",
			[]string{"delivery.incident_window: 800h is out of range"}},
		{"negative window", "delivery:\n  incident_window: -1h\n",
			[]string{"delivery.incident_window: -1h is out of range"}},
		{"labels", "delivery:\n  github:\n    incident_labels: [Incident, incident, \" \"]\n",
			[]string{`delivery.github.incident_labels[1]: duplicate label "incident"`, "delivery.github.incident_labels[2]: empty label"}},
		{"service name", "delivery:\n  services:\n    Check Out:\n      production_environments: [prod]\n",
			[]string{`delivery.services.Check Out: "Check Out" is not a valid name`}},
		{"production environments missing", "delivery:\n  services:\n    checkout: {}\n",
			[]string{"delivery.services.checkout.production_environments: is required"}},
		{"duplicate production environment", "delivery:\n  services:\n    checkout:\n      production_environments: [prod, PROD, '--']\n",
			[]string{`production_environments[1]: duplicate environment "PROD"`, `production_environments[2]: "--" is not an environment name`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadString(t, tt.yaml)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestDeliveryEnvOverrides(t *testing.T) {
	cfg := Default()
	env := map[string]string{"PAVED_GITHUB_WEBHOOK_SECRET": " from-env ", "PAVED_GITLAB_WEBHOOK_TOKEN": "gl-token", "PAVED_CDEVENTS_TOKEN": "cd-token"}
	applyEnv(&cfg, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if cfg.Delivery.GitHub.Secret != "from-env" || cfg.Delivery.GitLab.Token != "gl-token" || cfg.Delivery.CDEvents.Token != "cd-token" {
		t.Errorf("env overrides not applied: %+v", cfg.Delivery)
	}
}
