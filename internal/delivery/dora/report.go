package dora

// Scope kinds.
const (
	Organisation = "organisation"
	TeamScope    = "team"
	ServiceScope = "service"
)

// Scope says what a report covers.
type Scope struct {
	Kind string `json:"kind" doc:"organisation, team or service"`
	// Name is the team or service; "unowned" is the team of deliveries
	// that no team owns.
	Name string `json:"name,omitempty"`
	// Team is a service's owning team.
	Team string `json:"team,omitempty"`
}

// Report is the five DORA metrics of one scope over one window.
type Report struct {
	Scope      Scope      `json:"scope"`
	Window     WindowInfo `json:"window"`
	BandSource string     `json:"band_source"`
	Metrics    Metrics    `json:"metrics"`
	// Weeks is the series of ISO weeks the window touches, Monday first;
	// the first and last may be partial (see Week.Days).
	Weeks []Week `json:"weeks,omitempty"`
}

// Metrics are the five DORA software delivery metrics.
type Metrics struct {
	DeploymentFrequency Frequency   `json:"deployment_frequency"`
	LeadTime            Duration    `json:"change_lead_time"`
	ChangeFailureRate   FailureRate `json:"change_failure_rate"`
	RecoveryTime        Recovery    `json:"failed_deployment_recovery_time"`
	ReworkRate          Rate        `json:"deployment_rework_rate"`
}

// Metric is what every metric reports.
type Metric struct {
	// Value is absent when there is nothing to measure.
	Value      *float64 `json:"value,omitempty"`
	Unit       string   `json:"unit"`
	SampleSize int      `json:"sample_size" doc:"how many deployments or changes the value is computed from"`
	Band       Band     `json:"band" doc:"elite, high, medium, low, no data, or not banded"`
	// BandNote says why a metric with a value has no band.
	BandNote string `json:"band_note,omitempty"`
}

// Frequency is deployment frequency: Value is successful production
// deployments per week over the window, SampleSize how many there were.
type Frequency struct {
	Metric
	PerDay *float64 `json:"per_day,omitempty" doc:"successful production deployments per day over the window"`
	// MedianPerWeek is the median over the window's full ISO weeks, or the
	// weekly average when it has none; it decides the band.
	MedianPerWeek  *float64 `json:"median_per_week,omitempty"`
	FullWeeks      int      `json:"full_weeks" doc:"ISO weeks wholly inside the window"`
	DeploymentDays int      `json:"deployment_days" doc:"UTC days with at least one successful production deployment"`
}

// Duration is a time metric: Value is the median in hours.
type Duration struct {
	Metric
	P75 *float64 `json:"p75,omitempty" doc:"75th percentile, hours"`
	P90 *float64 `json:"p90,omitempty" doc:"90th percentile, hours"`
}

// Recovery is failed deployment recovery time: Duration over the failed
// deployments that recovered.
type Recovery struct {
	Duration
	Unrecovered int `json:"unrecovered" doc:"failed production deployments in the window not yet recovered"`
}

// Rate is a share of production deployments in percent: Count of
// SampleSize.
type Rate struct {
	Metric
	Count int `json:"count" doc:"production deployments counted in the rate"`
}

// FailureRate is change failure rate, with the incidents of the window
// that name no deployment: they are not counted, but a reader should know
// they exist.
type FailureRate struct {
	Rate
	Incidents         int `json:"incidents" doc:"incidents opened in the window"`
	UnlinkedIncidents int `json:"unlinked_incidents" doc:"incidents opened in the window that are linked to no deployment"`
}

// Week is one ISO week of a report's series. Rates and medians are absent
// when the week has nothing to measure.
type Week struct {
	Week  string `json:"week" doc:"ISO week, e.g. 2025-W03"`
	Start string `json:"start" doc:"its Monday, YYYY-MM-DD"`
	Days  int    `json:"days" doc:"days of the week inside the window (7 except at the window's edges)"`
	// Deployments are successful production deployments.
	Deployments           int      `json:"deployments"`
	DeploymentDays        int      `json:"deployment_days"`
	ProductionDeployments int      `json:"production_deployments" doc:"successful and failed"`
	Failed                int      `json:"failed"`
	Unplanned             int      `json:"unplanned"`
	ChangeFailureRate     *float64 `json:"change_failure_rate,omitempty" doc:"percent"`
	ReworkRate            *float64 `json:"rework_rate,omitempty" doc:"percent"`
	Changes               int      `json:"changes"`
	LeadTimeMedian        *float64 `json:"lead_time_median,omitempty" doc:"hours"`
	Recovered             int      `json:"recovered"`
	RecoveryMedian        *float64 `json:"recovery_median,omitempty" doc:"hours"`
	Unrecovered           int      `json:"unrecovered"`
}

// Breakdown is the organisation's report and every team's and service's,
// for pages that show them side by side. Teams and services are sorted by
// name.
type Breakdown struct {
	Window       WindowInfo `json:"window"`
	BandSource   string     `json:"band_source"`
	Organisation Report     `json:"organisation"`
	Teams        []Report   `json:"teams"`
	Services     []Report   `json:"services"`
}

// Units.
const (
	UnitPerWeek = "deployments/week"
	UnitHours   = "hours"
	UnitPercent = "percent"
)
