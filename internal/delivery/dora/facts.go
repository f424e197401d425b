package dora

import (
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/delivery"
)

// facts are the few numbers the metrics need, small enough that a year of
// a large organisation (millions of changes) fits in memory. Every fact
// belongs to a unit: one (team, service) pair seen in the data.
type facts struct {
	units     []unit
	index     map[unit]int32
	deploys   []deployFact
	changes   []changeFact
	incidents []incidentFact
}

// unit is a team and service as stored; "" is unowned.
type unit struct{ team, service string }

// deployFact is one production deployment.
type deployFact struct {
	unit        int32
	success     bool // it deployed: it counts for frequency
	failed      bool // it counts as a failed deployment
	unplanned   bool // a rollback or a fix
	at          int64
	recoveredAt int64 // 0 while not recovered
}

// changeFact is one change deployed to production.
type changeFact struct {
	unit          int32
	deployedAt    int64
	firstCommitAt int64
}

// incidentFact is one incident.
type incidentFact struct {
	unit     int32
	openedAt int64
	linked   bool
}

func newFacts() *facts { return &facts{index: map[unit]int32{}} }

// unitOf returns the index of team and service's unit, adding it.
func (f *facts) unitOf(team, service string) int32 {
	u := unit{team, service}
	if i, ok := f.index[u]; ok {
		return i
	}
	i := int32(len(f.units))
	f.units = append(f.units, u)
	f.index[u] = i
	return i
}

// factsFrom keeps what counts of in-memory events: production deployments
// (of any status), changes with a production deployment, incidents. The
// window is applied by the computation.
func factsFrom(deployments []delivery.Deployment, changes []delivery.Change, incidents []delivery.Incident) *facts {
	f := newFacts()
	for _, d := range deployments {
		if !d.Production {
			continue
		}
		df := deployFact{
			unit:      f.unitOf(d.Team, d.Service),
			success:   d.Status == delivery.StatusSuccess,
			failed:    d.Failure != "",
			unplanned: d.Unplanned(),
			at:        d.DeployedAt.UnixMilli(),
		}
		if !d.RecoveredAt.IsZero() {
			df.recoveredAt = d.RecoveredAt.UnixMilli()
		}
		f.deploys = append(f.deploys, df)
	}
	for _, c := range changes {
		if c.DeploymentID == "" || c.DeployedAt.IsZero() {
			continue
		}
		f.changes = append(f.changes, changeFact{unit: f.unitOf(c.Team, c.Service), deployedAt: c.DeployedAt.UnixMilli(), firstCommitAt: c.FirstCommitAt.UnixMilli()})
	}
	for _, in := range incidents {
		f.incidents = append(f.incidents, incidentFact{unit: f.unitOf(in.Team, in.Service), openedAt: in.OpenedAt.UnixMilli(), linked: in.DeploymentID != ""})
	}
	return f
}

// teamName is how a stored team shows in reports.
func teamName(team string) string {
	if team == "" {
		return catalog.Unowned
	}
	return team
}
