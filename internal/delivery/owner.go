package delivery

import (
	"strings"
	"sync/atomic"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/slug"
)

// owner is who a delivery event belongs to.
type owner struct {
	service, team string
	// repository is normalised; for a service named without one it is the
	// catalog's repository of that service.
	repository string
}

// unownedKey is what delivery_unowned counts the event under: the
// repository, or "service:NAME" for a service the catalog does not know;
// "" when the event is owned or names nothing.
func (o owner) unownedKey() string {
	switch {
	case o.team != "":
		return ""
	case o.repository != "":
		return o.repository
	case o.service != "":
		return "service:" + o.service
	}
	return ""
}

// ownership answers which service and team an event belongs to and
// whether an environment is production for a service, from the catalog's
// current index and paved.yaml.
type ownership struct {
	cat          *catalog.Catalog
	envAlias     map[string]string
	serviceAlias map[string]string
	// override is delivery.services.<name>.production_environments,
	// normalised and aliased.
	override map[string]map[string]bool
	view     atomic.Pointer[catalogView]
}

// catalogView is what ownership needs from one catalog version.
type catalogView struct {
	version     int64
	production  map[string]bool   // environment → production
	serviceRepo map[string]string // service → normalised repository
}

func newOwnership(cfg config.Config, cat *catalog.Catalog) *ownership {
	o := &ownership{
		cat:          cat,
		envAlias:     normalizedKeys(cfg.Ownership.Aliases.Environment),
		serviceAlias: normalizedKeys(cfg.Ownership.Aliases.Service),
		override:     map[string]map[string]bool{},
	}
	for name, svc := range cfg.Delivery.Services {
		set := map[string]bool{}
		for _, e := range svc.ProductionEnvironments {
			set[o.environment(e)] = true
		}
		o.override[name] = set
	}
	return o
}

func normalizedKeys(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[slug.Normalize(k)] = v
	}
	return out
}

// current returns the view of the catalog's current index, rebuilding it
// when the catalog changed.
func (o *ownership) current() *catalogView {
	ix := o.cat.Index()
	if v := o.view.Load(); v != nil && v.version == ix.Version() {
		return v
	}
	snap := o.cat.Current()
	v := &catalogView{version: ix.Version(), production: map[string]bool{}, serviceRepo: map[string]string{}}
	for _, e := range snap.Environments {
		v.production[e.Name] = e.Production
	}
	for _, s := range snap.Services {
		if s.Repository != "" {
			v.serviceRepo[s.Name] = catalog.NormalizeRepository(s.Repository)
		}
	}
	o.view.Store(v)
	return v
}

// environment is the canonical name of a raw environment name:
// normalised, then aliased ("Production" → "production" → "prod").
func (o *ownership) environment(raw string) string {
	e := slug.Normalize(raw)
	if a, ok := o.envAlias[e]; ok {
		return a
	}
	return e
}

// production reports whether env (canonical) is production for service.
func (o *ownership) production(service, env string) bool {
	if set, ok := o.override[service]; ok {
		return set[env]
	}
	return o.current().production[env]
}

// knownEnvironment reports whether env (canonical) is in the catalog, and
// whether it is production there.
func (o *ownership) knownEnvironment(env string) (known, production bool) {
	production, known = o.current().production[env]
	return known, production
}

// resolve finds the owner of an event naming a service, a repository or
// both. A service the catalog has decides; else the repository's service
// does; else the event is unowned, keeping the service name it gave.
func (o *ownership) resolve(service, repository string) owner {
	ix := o.cat.Index()
	repo := catalog.NormalizeRepository(repository)
	var named string
	if service != "" {
		for _, cand := range o.serviceCandidates(service) {
			if team := ix.ServiceTeam(cand); team != "" {
				if repo == "" {
					repo = o.current().serviceRepo[cand]
				}
				return owner{service: cand, team: team, repository: repo}
			}
		}
		named = clip(slug.Normalize(service), slug.MaxLen)
	}
	if repo != "" {
		if r := ix.ResolveRepository(repo); r.Owned() {
			return owner{service: r.Service, team: r.Team, repository: repo}
		}
	}
	return owner{service: named, repository: repo}
}

// serviceCandidates are the catalog names a sender's service id may
// mean: itself normalised and aliased, and for path-like ids
// ("production/checkout", "clusterA/ns/checkout") the last segment.
func (o *ownership) serviceCandidates(raw string) []string {
	out := []string{o.canonicalService(raw)}
	if i := strings.LastIndexAny(raw, "/:"); i >= 0 && i < len(raw)-1 {
		out = append(out, o.canonicalService(raw[i+1:]))
	}
	return out
}

func (o *ownership) canonicalService(raw string) string {
	s := slug.Normalize(raw)
	if a, ok := o.serviceAlias[s]; ok {
		return a
	}
	return s
}
