package config

// Delivery configures where delivery events come from and how DORA reads
// them.
type Delivery struct {
	// GitHub verifies GitHub webhooks.
	GitHub DeliveryGitHub `yaml:"github"`
	// GitLab verifies GitLab webhooks.
	GitLab DeliveryGitLab `yaml:"gitlab"`
}

// DeliveryGitHub configures POST /webhooks/github.
type DeliveryGitHub struct {
	// Secret is the webhook secret (env PAVED_GITHUB_WEBHOOK_SECRET).
	Secret string `yaml:"secret"`
}

// DeliveryGitLab configures POST /webhooks/gitlab.
type DeliveryGitLab struct {
	// Token is the webhook secret token (env PAVED_GITLAB_WEBHOOK_TOKEN).
	Token string `yaml:"token"`
}
