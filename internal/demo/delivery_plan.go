package demo

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/catalog"
)

// The plan: who releases when, with which changes, failures and
// incidents, laid out before anything is sent.

// deliveryDays is how far back the history reaches.
const deliveryDays = 365

// deliverySource is how a team's deliveries reach paved.
type deliverySource int

const (
	viaGitHub deliverySource = iota // GitHub webhooks for everything
	viaArgo                         // GitHub webhooks for code; CDEvents for deployments and incidents
	viaCLI                          // RecordDeployment with commits; RecordIncident
)

// failureMode is how a failed production deployment fails and recovers.
type failureMode int

const (
	noFailure    failureMode = iota
	failRollback             // a rollback deployment restores the last good commit
	failFix                  // a hotfix is merged and deployed naming the failed deployment
	failIncident             // an incident is opened and later resolved
	failStatus               // the deployment itself fails and is retried
)

// span is a range of durations that a choice is drawn from.
type span struct{ lo, hi time.Duration }

func (s span) pick(r *rand.Rand) time.Duration {
	if s.hi <= s.lo {
		return s.lo
	}
	return s.lo + time.Duration(r.Int64N(int64(s.hi-s.lo)))
}

// deliveryProfile shapes one team's delivery.
type deliveryProfile struct {
	source deliverySource
	squash bool // squash merges, else merge commits
	// perWeek is production releases per week across the team's services;
	// teams below one a week release on an interval instead. jitter is
	// the share of weeks with one release more or fewer.
	perWeek, jitter float64
	// extra is the mean number of changes a release ships beyond its first.
	extra float64
	// direct is the share of changes pushed straight to main (trunk-based,
	// pair-programmed) rather than merged as pull requests.
	direct float64
	// branch is first commit → merge; wait is merge → production
	// (bounded by the service's previous release).
	branch, wait span
	// staging is how long before production the staging deployment runs;
	// stagingShare is the share of releases that go through staging (the
	// others go out behind a feature flag or as a canary).
	staging      span
	stagingShare float64
	// failEvery makes every failEvery-th release fail, counted back from
	// the latest (failPhase is the first that fails), so that the recent
	// weeks hold the team's share of failures: a 90-day window of N
	// releases holds the failures among the latest N exactly.
	failEvery, failPhase int
	// modes are the failure modes, taken in turn.
	modes []failureMode
	// detect is how long after a bad deployment its incident is opened;
	// recovery is how long after it service is restored.
	detect, recovery span
}

const (
	minute = time.Minute
	hour   = time.Hour
	day    = 24 * time.Hour
	week   = 7 * day
)

// The profiles of the four bands, each tuned to land in its band on
// every banded metric.
var (
	eliteProfile = deliveryProfile{source: viaGitHub, squash: true, perWeek: 7.3, extra: 0.1, direct: 0.75,
		branch: span{1 * hour, 7 * hour}, wait: span{15 * minute, 2 * hour}, staging: span{8 * minute, 25 * minute}, stagingShare: 0.08,
		failEvery: 30, failPhase: 7, modes: []failureMode{failRollback, failIncident, failFix, failRollback, failStatus},
		detect: span{4 * minute, 12 * minute}, recovery: span{18 * minute, 50 * minute}}
	highProfile = deliveryProfile{source: viaGitHub, squash: true, perWeek: 2, jitter: 0.3, extra: 0.25,
		branch: span{28 * hour, 4 * day}, wait: span{3 * hour, 30 * hour}, staging: span{40 * minute, 5 * hour}, stagingShare: 0.2,
		failEvery: 12, failPhase: 4, modes: []failureMode{failFix, failIncident, failStatus, failRollback},
		detect: span{20 * minute, 90 * minute}, recovery: span{2 * hour, 9 * hour}}
	mediumProfile = deliveryProfile{source: viaGitHub, perWeek: 0.37, extra: 1,
		branch: span{3 * day, 12 * day}, wait: span{4 * day, 11 * day}, staging: span{1 * day, 3 * day}, stagingShare: 1,
		failEvery: 5, failPhase: 2, modes: []failureMode{failIncident, failStatus, failFix},
		detect: span{1 * hour, 6 * hour}, recovery: span{30 * hour, 5 * day}}
	lowProfile = deliveryProfile{source: viaCLI, perWeek: 0.14, extra: 3,
		branch: span{10 * day, 30 * day}, wait: span{20 * day, 40 * day}, staging: span{3 * day, 8 * day}, stagingShare: 1,
		failEvery: 2, failPhase: 1, modes: []failureMode{failIncident, failStatus},
		detect: span{2 * hour, 20 * hour}, recovery: span{8 * day, 16 * day}}
)

// with returns p changed by f, for teams that differ from their band's
// profile in source or pace.
func (p deliveryProfile) with(f func(*deliveryProfile)) deliveryProfile {
	f(&p)
	return p
}

// deliveryProfiles are the demo teams'; teams not listed deliver like
// highProfile.
var deliveryProfiles = map[string]deliveryProfile{
	"web-platform": eliteProfile,
	"payments":     highProfile.with(func(p *deliveryProfile) { p.source = viaCLI }),
	"identity":     highProfile.with(func(p *deliveryProfile) { p.source = viaCLI }),
	"growth":       highProfile.with(func(p *deliveryProfile) { p.source = viaCLI }),
	"security":     highProfile.with(func(p *deliveryProfile) { p.source = viaCLI }),
	"search":       highProfile.with(func(p *deliveryProfile) { p.source, p.perWeek = viaArgo, 1.5 }),
	"platform":     highProfile.with(func(p *deliveryProfile) { p.source = viaCLI }),
	"sre":          highProfile.with(func(p *deliveryProfile) { p.source = viaCLI }),
	"mobile":       mediumProfile, // merge commits
	"data-platform": mediumProfile.with(func(p *deliveryProfile) {
		p.source, p.squash = viaArgo, true
	}),
	"catalog":    mediumProfile.with(func(p *deliveryProfile) { p.source = viaCLI }),
	"fulfilment": lowProfile,
}

// unownedRepository is the ML sandbox the costs demo bills untagged: it
// deploys through GitHub too, and no catalog service owns it.
const unownedRepository = "https://github.com/example-shop/ml-sandbox"

// dvCommit is one planned commit.
type dvCommit struct {
	sha, message string
	at           time.Time
	author       string
}

// dvChange is one planned pull request, or commits pushed straight to
// main (direct, and all of CLI teams' changes, whose CI lists them).
type dvChange struct {
	direct  bool
	number  int
	title   string
	branch  string
	commits []dvCommit // on the branch, oldest first
	// merge is the merge or squash commit; for CLI teams the last commit.
	merge  dvCommit
	squash bool
	opened time.Time
}

// dvDeploy is one planned deployment.
type dvDeploy struct {
	id          int64 // the sender's deployment id (GitHub's are numbers)
	ref         string
	environment string // staging or production
	sha         string
	at          time.Time
	failed      bool
	rollback    bool
	fixes       string // the failed deployment's id (GitHub) or commit
	// commits are the commits a CLI deployment lists, oldest first.
	commits []dvCommit
}

// dvIncident is one planned incident.
type dvIncident struct {
	number           int
	title            string
	opened, resolved time.Time // resolved zero: still open
	// deploySHA names the deployment that caused it, for senders that
	// say; "" leaves it to the incident window.
	deploySHA string
}

// dvMessage is one delivery to send, in time order within its service.
type dvMessage struct {
	at       time.Time
	seq      int
	change   *dvChange
	deploy   *dvDeploy
	incident *dvIncident
	resolve  bool // the incident's resolution rather than its opening
}

// dvService is one repository's planned history.
type dvService struct {
	name, team string
	repository string // as the catalog has it
	fullName   string // owner/name on GitHub, "" when not on GitHub
	source     deliverySource
	profile    *deliveryProfile
	members    []string
	messages   []dvMessage
	commits    int // commits made so far, for their ids
	numbers    int // pull request and issue numbers so far
}

// deliveryPlan is the whole history: every repository's messages.
type deliveryPlan struct {
	services []*dvService
	nextID   int64
}

// commit makes the repository's next commit.
func (s *dvService) commit(r *rand.Rand, at time.Time, message string) dvCommit {
	s.commits++
	sum := sha1.Sum([]byte(fmt.Sprintf("%s@%d", s.repository, s.commits)))
	author := "dev"
	if len(s.members) > 0 {
		author = s.members[r.IntN(len(s.members))]
	}
	return dvCommit{sha: hex.EncodeToString(sum[:]), message: message, at: at.Truncate(time.Second), author: author}
}

func (s *dvService) add(m dvMessage) {
	m.at = m.at.Truncate(time.Second)
	m.seq = len(s.messages)
	s.messages = append(s.messages, m)
}

// newDeliveryPlan lays out the history for the catalog's services up to
// now. Releases are drawn per team from the team's own random stream, so
// that one team's schedule does not move another's.
func newDeliveryPlan(snap *catalog.Snapshot, now time.Time) *deliveryPlan {
	now = now.UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	plan := &deliveryPlan{nextID: 1_180_000_000}
	members := map[string][]string{}
	for _, t := range snap.Teams {
		members[t.Name] = t.Members
	}
	byTeam := map[string][]catalog.Service{}
	var teamNames []string
	for _, s := range snap.Services {
		if _, ok := byTeam[s.Team]; !ok {
			teamNames = append(teamNames, s.Team)
		}
		byTeam[s.Team] = append(byTeam[s.Team], s)
	}
	sort.Strings(teamNames)
	for ti, team := range teamNames {
		p, ok := deliveryProfiles[team]
		if !ok {
			p = highProfile
		}
		services := byTeam[team]
		sort.Slice(services, func(i, j int) bool { return services[i].Name < services[j].Name })
		r := rand.New(rand.NewPCG(Seed, uint64(1000+ti)))
		var svcs []*dvService
		var weights []float64
		for i, s := range services {
			if s.Repository == "" {
				continue
			}
			ds := &dvService{name: s.Name, team: team, repository: s.Repository, source: p.source, profile: &p, members: members[team]}
			if full, ok := strings.CutPrefix(catalog.NormalizeRepository(s.Repository), "https://github.com/"); ok {
				ds.fullName = full
			} else if ds.source != viaCLI {
				ds.source = viaCLI // only GitHub's webhooks are planned
			}
			svcs = append(svcs, ds)
			// The team's tier-1 service changes most.
			w := 1 + r.Float64()
			if i == 0 || s.Tier == "tier-1" {
				w += 1.5
			}
			weights = append(weights, w)
		}
		if len(svcs) == 0 {
			continue
		}
		releases := releaseTimes(&p, r, today, now)
		perService := make([][]time.Time, len(svcs))
		for _, at := range releases {
			i := pickWeighted(r, weights)
			perService[i] = append(perService[i], at)
		}
		// Which releases fail is counted back from the latest, across the
		// team.
		failing := map[time.Time]failureMode{}
		mode := 0
		for i := len(releases) - 1; i >= 0; i-- {
			back := len(releases) - 1 - i
			if p.failEvery > 0 && back%p.failEvery == p.failPhase%p.failEvery {
				failing[releases[i]] = p.modes[mode%len(p.modes)]
				mode++
			}
		}
		for i, ds := range svcs {
			plan.planService(ds, r, perService[i], failing, today, now)
			plan.services = append(plan.services, ds)
		}
	}
	plan.planUnlinkedIncident(today, now)
	plan.planUnowned(today, now)
	return plan
}

// releaseTimes draws a team's production releases over the year before
// now, returned oldest first. Busy teams release a set number of times
// each ISO week (Monday to Sunday, as DORA counts them), give or take
// one, on weekdays but for the odd weekend; slow ones on an interval.
// Weeks and intervals are drawn back from now's day, so that recent
// weeks do not depend on the horizon.
func releaseTimes(p *deliveryProfile, r *rand.Rand, today, now time.Time) []time.Time {
	var out []time.Time
	start := today.AddDate(0, 0, -deliveryDays)
	if p.perWeek >= 1 {
		monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
		for w := 0; w*7 <= deliveryDays+7; w++ {
			week := monday.AddDate(0, 0, -7*w)
			// The same draws every week, so that no week's releases move
			// another's.
			u, seed := r.Float64(), r.Uint64()
			wr := rand.New(rand.NewPCG(seed, Seed))
			n := int(p.perWeek + u)
			if wr.Float64() < p.jitter {
				n += wr.IntN(3) - 1
			}
			for i := 0; i < n; i++ {
				d := wr.IntN(5)
				if wr.Float64() < 0.02 {
					d = 5 + wr.IntN(2) // someone ships on a weekend
				}
				at := week.AddDate(0, 0, d).Add(9*hour + time.Duration(wr.Int64N(int64(9*hour))))
				if at.After(start) && at.Before(now) {
					out = append(out, at)
				}
			}
		}
	} else {
		interval := float64(week) / p.perWeek
		// The latest release is a few days old, so that its recovery,
		// if it fails, has happened.
		t := today.Add(-time.Duration(float64(3*day) + r.Float64()*float64(6*day)))
		for t.After(start) {
			date := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
			switch date.Weekday() {
			case time.Saturday:
				date = date.AddDate(0, 0, -1)
			case time.Sunday:
				date = date.AddDate(0, 0, -2)
			}
			out = append(out, date.Add(10*hour+time.Duration(r.Int64N(int64(6*hour)))))
			t = t.Add(-time.Duration(interval * (0.9 + 0.25*r.Float64())))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

// planService lays out one service's releases: the changes each ships,
// its staging and production deployments, and what goes wrong.
func (plan *deliveryPlan) planService(s *dvService, r *rand.Rand, releases []time.Time, failing map[time.Time]failureMode, today, now time.Time) {
	p := s.profile
	prev := today.AddDate(0, 0, -deliveryDays) // the previous production deployment
	lastGood := ""                             // its commit, when it was good
	var blocked time.Time                      // the service is recovering until then
	for _, planned := range releases {
		// A release waits for the service's previous one, and for its
		// recovery: none is dropped, so that the team's failures stay
		// one in failEvery.
		at := planned
		if at.Before(prev.Add(20 * minute)) {
			at = prev.Add(20 * minute)
		}
		if at.Before(blocked.Add(15 * minute)) {
			at = blocked.Add(15 * minute)
		}
		if !at.Before(now) {
			continue
		}
		changes := s.planChanges(r, p, prev, at)
		last := changes[len(changes)-1].merge
		staging := at.Add(-p.staging.pick(r))
		if !staging.After(last.at) {
			staging = last.at.Add(at.Sub(last.at) / 2)
		}
		for _, c := range changes {
			if s.source != viaCLI {
				s.add(dvMessage{at: c.merge.at, change: c})
			}
		}
		prod := plan.deploy(s, "production", last.sha, at)
		first := prod // the first deployment of the release
		if r.Float64() < p.stagingShare {
			first = plan.deploy(s, "staging", last.sha, staging)
			s.add(dvMessage{at: staging, deploy: first})
		}
		if s.source == viaCLI {
			// CI lists what it deploys the first time it deploys it.
			for _, c := range changes {
				first.commits = append(first.commits, c.commits...)
			}
		}
		prev = at

		mode := failing[planned]
		recovery := p.recovery.pick(r)
		back := at.Add(recovery)
		if mode == failRollback && lastGood == "" {
			mode = failFix
		}
		switch mode {
		case noFailure:
			s.add(dvMessage{at: at, deploy: prod})
			lastGood = prod.sha
		case failStatus:
			prod.failed = true
			s.add(dvMessage{at: at, deploy: prod})
			if back.Before(now) {
				retry := plan.deploy(s, "production", prod.sha, back)
				s.add(dvMessage{at: back, deploy: retry})
				lastGood, prev = retry.sha, back
			}
		case failRollback:
			s.add(dvMessage{at: at, deploy: prod})
			if back.Before(now) {
				rb := plan.deploy(s, "production", lastGood, back)
				rb.rollback = true
				s.add(dvMessage{at: back, deploy: rb})
				prev = back
			}
		case failFix:
			s.add(dvMessage{at: at, deploy: prod})
			if back.Before(now) {
				fix := s.hotfix(r, at, back)
				if s.source != viaCLI {
					s.add(dvMessage{at: fix.merge.at, change: fix})
				}
				fd := plan.deploy(s, "production", fix.merge.sha, back)
				fd.fixes = prod.sha
				if s.source == viaGitHub {
					fd.fixes = prod.ref
				}
				if s.source == viaCLI {
					fd.commits = fix.commits
				}
				s.add(dvMessage{at: back, deploy: fd})
				lastGood, prev = fd.sha, back
			}
		case failIncident:
			s.add(dvMessage{at: at, deploy: prod})
			lastGood = prod.sha
			s.numbers++
			in := &dvIncident{number: s.numbers, title: incidentTitles[r.IntN(len(incidentTitles))], opened: at.Add(p.detect.pick(r))}
			if back.Before(now) {
				in.resolved = back
			}
			// Argo's alerting names the commit running; of the CLI teams'
			// incident reports, every other one names it.
			if s.source == viaArgo || (s.source == viaCLI && s.numbers%2 == 0) {
				in.deploySHA = prod.sha
			}
			s.add(dvMessage{at: in.opened, incident: in})
			if !in.resolved.IsZero() {
				s.add(dvMessage{at: in.resolved, incident: in, resolve: true})
			}
		}
		if mode != noFailure {
			blocked = back
		}
	}
	sort.SliceStable(s.messages, func(i, j int) bool { return s.messages[i].at.Before(s.messages[j].at) })
}

// planChanges makes the changes a release at at ships: one, or several
// merged since the service's previous release.
func (s *dvService) planChanges(r *rand.Rand, p *deliveryProfile, prev, at time.Time) []*dvChange {
	n := 1 + poisson(r, p.extra)
	var out []*dvChange
	for i := 0; i < n; i++ {
		merged := at.Add(-p.wait.pick(r))
		if !merged.After(prev.Add(5 * minute)) {
			// Merged after the previous release, or it would have shipped
			// with it.
			merged = prev.Add(5*minute + time.Duration(r.Float64()*float64(at.Sub(prev)-10*minute)))
		}
		c := s.change(r, merged.Add(-p.branch.pick(r)), merged, p.squash, r.Float64() < p.direct)
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].merge.at.Before(out[j].merge.at) })
	// Distinct merge times keep the pushes to main in a clear order.
	for i := 1; i < len(out); i++ {
		if !out[i].merge.at.After(out[i-1].merge.at) {
			out[i].merge.at = out[i-1].merge.at.Add(time.Minute)
		}
	}
	return out
}

// change makes one change with its first commit at first, merged (or
// pushed, when direct) at merged.
func (s *dvService) change(r *rand.Rand, first, merged time.Time, squash, direct bool) *dvChange {
	direct = direct || s.source == viaCLI
	if !direct {
		s.numbers++
	}
	title := changeTitles[r.IntN(len(changeTitles))]
	c := &dvChange{number: s.numbers, title: title, squash: squash, direct: direct,
		branch: fmt.Sprintf("%s/%s-%d", strings.Split(title, " ")[0], strings.ToLower(strings.Fields(title)[1]), s.numbers)}
	c.branch = strings.ToLower(strings.Trim(c.branch, "."))
	k := 1 + r.IntN(3)
	gap := merged.Sub(first) / time.Duration(k+1)
	if direct {
		gap = merged.Sub(first) / time.Duration(max(k-1, 1))
	}
	for i := 0; i < k; i++ {
		msg := title
		if i > 0 {
			msg = commitFollowUps[r.IntN(len(commitFollowUps))]
		}
		c.commits = append(c.commits, s.commit(r, first.Add(time.Duration(i)*gap), msg))
	}
	c.opened = c.commits[0].at.Add(time.Duration(r.Int64N(int64(gap/4) + 1)))
	switch {
	case direct:
		c.merge = c.commits[len(c.commits)-1]
	case squash:
		c.merge = s.commit(r, merged, fmt.Sprintf("%s (#%d)", title, c.number))
	default:
		c.merge = s.commit(r, merged, fmt.Sprintf("Merge pull request #%d from example-shop/%s", c.number, c.branch))
	}
	c.merge.at = merged.Truncate(time.Second)
	return c
}

// hotfix is the change that fixes a bad deployment at bad, deployed at
// fixed.
func (s *dvService) hotfix(r *rand.Rand, bad, fixed time.Time) *dvChange {
	first := bad.Add(fixed.Sub(bad) / 5)
	merged := fixed.Add(-fixed.Sub(bad) / 6)
	c := s.change(r, first, merged, true, false)
	c.title = "Hotfix: " + strings.ToLower(c.title[:1]) + c.title[1:]
	return c
}

// deploy makes a deployment with the next id.
func (plan *deliveryPlan) deploy(s *dvService, env, sha string, at time.Time) *dvDeploy {
	plan.nextID++
	d := &dvDeploy{id: plan.nextID, environment: env, sha: sha, at: at.Truncate(time.Second)}
	d.ref = fmt.Sprint(d.id)
	return d
}

// planUnlinkedIncident adds an incident no deployment caused: the
// carrier API fulfilment depends on goes down one Saturday night, with
// nothing deployed in the day before.
func (plan *deliveryPlan) planUnlinkedIncident(today, now time.Time) {
	for _, s := range plan.services {
		if s.team != "fulfilment" {
			continue
		}
		for d := 20; d < 60; d++ {
			date := today.AddDate(0, 0, -d)
			if date.Weekday() != time.Saturday {
				continue
			}
			opened := date.Add(2*hour + 17*minute)
			if s.deployedWithin(opened.Add(-2*day), opened) {
				continue
			}
			s.numbers++
			in := &dvIncident{number: s.numbers, title: "Carrier label API timing out (upstream outage)", opened: opened, resolved: opened.Add(3*hour + 40*minute)}
			s.add(dvMessage{at: in.opened, incident: in})
			s.add(dvMessage{at: in.resolved, incident: in, resolve: true})
			sort.SliceStable(s.messages, func(i, j int) bool { return s.messages[i].at.Before(s.messages[j].at) })
			return
		}
	}
}

func (s *dvService) deployedWithin(from, to time.Time) bool {
	for _, m := range s.messages {
		if m.deploy != nil && m.deploy.environment == "production" && !m.at.Before(from) && !m.at.After(to) {
			return true
		}
	}
	return false
}

// planUnowned adds the ML sandbox: a weekly push straight to main and a
// production deployment of it, for the last four months.
func (plan *deliveryPlan) planUnowned(today, now time.Time) {
	s := &dvService{name: "", team: "", repository: unownedRepository, fullName: "example-shop/ml-sandbox", source: viaGitHub,
		members: []string{"lena.data-platform", "raj.search"}}
	r := rand.New(rand.NewPCG(Seed, 999))
	for w := 17; w >= 1; w-- {
		at := today.AddDate(0, 0, -7*w+r.IntN(3)).Add(14*hour + time.Duration(r.Int64N(int64(3*hour))))
		c := s.commit(r, at.Add(-40*minute), sandboxMessages[r.IntN(len(sandboxMessages))])
		s.add(dvMessage{at: c.at, change: &dvChange{direct: true, commits: []dvCommit{c}, merge: c}})
		s.add(dvMessage{at: at, deploy: plan.deploy(s, "production", c.sha, at)})
	}
	plan.services = append(plan.services, s)
}

// pickWeighted returns an index drawn with the given weights.
func pickWeighted(r *rand.Rand, weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	x := r.Float64() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// poisson draws from a Poisson distribution of mean lambda (Knuth's
// method: the demo's means are small).
func poisson(r *rand.Rand, lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

var changeTitles = []string{
	"Add retry with backoff to the payment client", "Cache catalog lookups for 30 seconds", "Bump Go to the latest patch release",
	"Fix nil pointer on empty cart", "Add tracing spans to checkout", "Remove the legacy v1 endpoint", "Tune connection pool sizes",
	"Add pagination to the orders API", "Migrate config to the new secrets broker", "Fix flaky integration test",
	"Add feature flag for the new ranking", "Upgrade the Postgres driver", "Improve error messages on validation",
	"Add metrics for queue depth", "Refactor the event consumer", "Fix timezone handling in reports", "Add rate limiting per client",
	"Drop unused columns", "Speed up the image resize path", "Add health check for the cache", "Fix race in session refresh",
	"Add dark launch for recommendations", "Update dependencies", "Add index on created_at", "Fix currency rounding",
	"Add structured logging", "Move cron job to the scheduler", "Harden input validation", "Add canary analysis step",
	"Fix memory leak in the exporter",
}

var commitFollowUps = []string{"Address review comments", "Fix tests", "Rename for clarity", "Add missing test case", "Lint", "Update docs"}

var incidentTitles = []string{
	"Elevated 5xx after deploy", "Latency p99 above SLO", "Checkout errors for EU customers", "Queue consumers crash-looping",
	"Login failures for SSO users", "Search returning empty results", "Background jobs stuck", "Database connection exhaustion",
	"Memory usage climbing until OOM", "Webhooks delivered twice",
}

var sandboxMessages = []string{"Try a bigger batch size", "New notebook for churn model", "Retrain on last month", "Pin torch version", "Quick experiment"}
