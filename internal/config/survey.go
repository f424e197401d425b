package config

// Surveys configures the developer surveys: eNPS and the SPACE pulse.
type Surveys struct {
	// MinResponses is the fewest answers a team's results are shown for
	// (5 by default, never below 3); smaller groups fold into "other".
	MinResponses int `yaml:"min_responses"`
}
