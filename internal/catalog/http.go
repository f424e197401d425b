package catalog

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/yamlfile"
)

// TeamList is the body of GET /api/v1/teams.
type TeamList struct {
	Teams []Team `json:"teams"`
}

// TeamDetail is a team with the services it owns.
type TeamDetail struct {
	Team
	Services []Service `json:"services"`
}

// ServiceList is the body of GET /api/v1/services.
type ServiceList struct {
	Services []Service `json:"services"`
}

// EnvironmentList is the body of GET /api/v1/environments.
type EnvironmentList struct {
	Environments []Environment `json:"environments"`
}

// OnboardRequest is the body of POST /api/v1/teams/onboard.
type OnboardRequest struct {
	Name        string  `json:"name"`
	DisplayName string  `json:"display_name,omitempty"`
	Description string  `json:"description,omitempty"`
	Contact     Contact `json:"contact"`
}

// ResolveRequest asks who owns a signal. Kind selects which fields are read:
// "kubernetes" (labels, namespace), "cloud" (tags, account) or
// "repository" (repository).
type ResolveRequest struct {
	Kind       string            `json:"kind" doc:"kubernetes, cloud or repository"`
	Labels     map[string]string `json:"labels,omitempty"`
	Namespace  string            `json:"namespace,omitempty"`
	Tags       map[string]string `json:"tags,omitempty"`
	Account    string            `json:"account,omitempty"`
	Repository string            `json:"repository,omitempty"`
}

// Routes returns the catalog's JSON API.
func (c *Catalog) Routes() []api.Route {
	const tag = "catalog"
	return []api.Route{
		{Method: "GET", Pattern: "/api/v1/teams", Perm: api.Read, Tag: tag, Summary: "List teams", Response: TeamList{}, Handler: c.listTeams},
		{Method: "POST", Pattern: "/api/v1/teams", Perm: api.Write, Tag: tag, Summary: "Create a team", Request: Team{}, Response: Team{}, Status: http.StatusCreated, Handler: c.createTeam},
		{Method: "POST", Pattern: "/api/v1/teams/onboard", Perm: api.Write, Tag: tag, Summary: "Onboard a team: create it and apply the configured defaults (safe to re-run)", Request: OnboardRequest{}, Response: OnboardResult{}, Handler: c.onboardTeam},
		{Method: "GET", Pattern: "/api/v1/teams/{name}", Perm: api.Read, Tag: tag, Summary: "Get a team with its services", Response: TeamDetail{}, Handler: c.getTeam},
		{Method: "PUT", Pattern: "/api/v1/teams/{name}", Perm: api.Write, Tag: tag, Summary: "Create or replace a team", Request: Team{}, Response: Team{}, Handler: c.putTeam},
		{Method: "DELETE", Pattern: "/api/v1/teams/{name}", Perm: api.Write, Tag: tag, Summary: "Delete a team that owns no services", Status: http.StatusNoContent, Handler: c.deleteTeam},

		{Method: "GET", Pattern: "/api/v1/services", Perm: api.Read, Tag: tag, Summary: "List services", Query: []api.Param{{Name: "team", Description: "only this team's services"}}, Response: ServiceList{}, Handler: c.listServices},
		{Method: "POST", Pattern: "/api/v1/services", Perm: api.Write, Tag: tag, Summary: "Create a service", Request: Service{}, Response: Service{}, Status: http.StatusCreated, Handler: c.createService},
		{Method: "GET", Pattern: "/api/v1/services/{name}", Perm: api.Read, Tag: tag, Summary: "Get a service", Response: Service{}, Handler: c.getService},
		{Method: "PUT", Pattern: "/api/v1/services/{name}", Perm: api.Write, Tag: tag, Summary: "Create or replace a service", Request: Service{}, Response: Service{}, Handler: c.putService},
		{Method: "DELETE", Pattern: "/api/v1/services/{name}", Perm: api.Write, Tag: tag, Summary: "Delete a service", Status: http.StatusNoContent, Handler: c.deleteService},

		{Method: "GET", Pattern: "/api/v1/environments", Perm: api.Read, Tag: tag, Summary: "List environments", Response: EnvironmentList{}, Handler: c.listEnvironments},
		{Method: "POST", Pattern: "/api/v1/environments", Perm: api.Write, Tag: tag, Summary: "Create an environment", Request: Environment{}, Response: Environment{}, Status: http.StatusCreated, Handler: c.createEnvironment},
		{Method: "PUT", Pattern: "/api/v1/environments/{name}", Perm: api.Write, Tag: tag, Summary: "Create or update an environment", Request: Environment{}, Response: Environment{}, Handler: c.putEnvironment},
		{Method: "DELETE", Pattern: "/api/v1/environments/{name}", Perm: api.Write, Tag: tag, Summary: "Delete an unused environment", Status: http.StatusNoContent, Handler: c.deleteEnvironment},

		{Method: "POST", Pattern: "/api/v1/catalog/import", Perm: api.Write, Tag: tag, Summary: "Import Backstage catalog-info or paved catalog YAML (all or nothing)", RequestType: "application/yaml", Query: []api.Param{{Name: "dry_run", Description: "validate and report without writing"}}, Response: Report{}, Handler: c.importYAML},
		{Method: "POST", Pattern: "/api/v1/ownership/resolve", Perm: api.Read, Tag: tag, Summary: "Resolve the owner of a Kubernetes object, cloud charge or repository", Request: ResolveRequest{}, Response: Owner{}, Handler: c.resolve},
	}
}

func (c *Catalog) listTeams(w http.ResponseWriter, r *http.Request) {
	teams, err := c.Teams(r.Context())
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, TeamList{Teams: nonNilSlice(teams)})
}

func (c *Catalog) getTeam(w http.ResponseWriter, r *http.Request) {
	t, err := c.Team(r.Context(), r.PathValue("name"))
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	svcs, err := c.Services(r.Context(), t.Name)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, TeamDetail{Team: t, Services: nonNilSlice(svcs)})
}

func (c *Catalog) createTeam(w http.ResponseWriter, r *http.Request) { c.saveTeam(w, r, "", true) }

func (c *Catalog) putTeam(w http.ResponseWriter, r *http.Request) {
	c.saveTeam(w, r, r.PathValue("name"), false)
}

func (c *Catalog) saveTeam(w http.ResponseWriter, r *http.Request, name string, mustCreate bool) {
	var t Team
	if err := api.ReadJSON(r, &t); err != nil {
		api.WriteError(w, r, err)
		return
	}
	if err := pathName(&t.Name, name); err != nil {
		api.WriteError(w, r, err)
		return
	}
	ch, err := c.PutTeam(r.Context(), t, mustCreate)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	saved, err := c.Team(r.Context(), t.Name)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, changeStatus(ch), saved)
}

func (c *Catalog) deleteTeam(w http.ResponseWriter, r *http.Request) {
	if err := c.DeleteTeam(r.Context(), r.PathValue("name")); err != nil {
		api.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (c *Catalog) onboardTeam(w http.ResponseWriter, r *http.Request) {
	var req OnboardRequest
	if err := api.ReadJSON(r, &req); err != nil {
		api.WriteError(w, r, err)
		return
	}
	res, err := c.Onboard(r.Context(), Team{Name: req.Name, DisplayName: req.DisplayName, Description: req.Description, Contact: req.Contact})
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, res)
}

func (c *Catalog) listServices(w http.ResponseWriter, r *http.Request) {
	svcs, err := c.Services(r.Context(), r.URL.Query().Get("team"))
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, ServiceList{Services: nonNilSlice(svcs)})
}

func (c *Catalog) getService(w http.ResponseWriter, r *http.Request) {
	s, err := c.Service(r.Context(), r.PathValue("name"))
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, s)
}

func (c *Catalog) createService(w http.ResponseWriter, r *http.Request) {
	c.saveService(w, r, "", true)
}

func (c *Catalog) putService(w http.ResponseWriter, r *http.Request) {
	c.saveService(w, r, r.PathValue("name"), false)
}

func (c *Catalog) saveService(w http.ResponseWriter, r *http.Request, name string, mustCreate bool) {
	var s Service
	if err := api.ReadJSON(r, &s); err != nil {
		api.WriteError(w, r, err)
		return
	}
	if err := pathName(&s.Name, name); err != nil {
		api.WriteError(w, r, err)
		return
	}
	ch, err := c.PutService(r.Context(), s, mustCreate)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	saved, err := c.Service(r.Context(), s.Name)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, changeStatus(ch), saved)
}

func (c *Catalog) deleteService(w http.ResponseWriter, r *http.Request) {
	if err := c.DeleteService(r.Context(), r.PathValue("name")); err != nil {
		api.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (c *Catalog) listEnvironments(w http.ResponseWriter, r *http.Request) {
	envs, err := c.Environments(r.Context())
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, EnvironmentList{Environments: nonNilSlice(envs)})
}

func (c *Catalog) createEnvironment(w http.ResponseWriter, r *http.Request) {
	c.saveEnvironment(w, r, "", true)
}

func (c *Catalog) putEnvironment(w http.ResponseWriter, r *http.Request) {
	c.saveEnvironment(w, r, r.PathValue("name"), false)
}

func (c *Catalog) saveEnvironment(w http.ResponseWriter, r *http.Request, name string, mustCreate bool) {
	var e Environment
	if err := api.ReadJSON(r, &e); err != nil {
		api.WriteError(w, r, err)
		return
	}
	if err := pathName(&e.Name, name); err != nil {
		api.WriteError(w, r, err)
		return
	}
	ch, err := c.PutEnvironment(r.Context(), e, mustCreate)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	envs, err := c.Environments(r.Context())
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	for _, got := range envs {
		if got.Name == e.Name {
			api.WriteJSON(w, changeStatus(ch), got)
			return
		}
	}
	api.WriteError(w, r, errors.New("environment vanished after write"))
}

func (c *Catalog) deleteEnvironment(w http.ResponseWriter, r *http.Request) {
	if err := c.DeleteEnvironment(r.Context(), r.PathValue("name")); err != nil {
		api.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (c *Catalog) importYAML(w http.ResponseWriter, r *http.Request) {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	name := r.URL.Query().Get("file")
	if name == "" {
		name = "request body"
	}
	doc, err := Parse(name, data)
	if err == nil {
		dry, _ := strconv.ParseBool(r.URL.Query().Get("dry_run"))
		var rep Report
		if rep, err = c.Apply(r.Context(), doc, ApplyOptions{DryRun: dry, Source: "import"}); err == nil {
			api.WriteJSON(w, http.StatusOK, rep)
			return
		}
	}
	api.WriteError(w, r, ImportError(err))
}

// ImportError turns a list of file problems into one *api.Error with every
// problem in Details; other errors pass through.
func ImportError(err error) error {
	var errs yamlfile.Errors
	if !errors.As(err, &errs) {
		return err
	}
	e := &api.Error{Status: http.StatusUnprocessableEntity, Code: "invalid",
		Message: strconv.Itoa(len(errs)) + " problem(s) found; nothing was imported"}
	for _, p := range errs {
		e.Details = append(e.Details, p.Error())
	}
	return e
}

func (c *Catalog) resolve(w http.ResponseWriter, r *http.Request) {
	var req ResolveRequest
	if err := api.ReadJSON(r, &req); err != nil {
		api.WriteError(w, r, err)
		return
	}
	ix := c.Index()
	var o Owner
	switch req.Kind {
	case "kubernetes":
		o = ix.ResolveObject(req.Labels, req.Namespace)
	case "cloud":
		o = ix.ResolveCloud(req.Tags, req.Account)
	case "repository":
		o = ix.ResolveRepository(req.Repository)
	default:
		api.WriteError(w, r, api.Invalid("kind", "%q is not a kind; use kubernetes, cloud or repository", req.Kind))
		return
	}
	api.WriteJSON(w, http.StatusOK, o)
}

// pathName reconciles the name in the URL with the one in the body.
func pathName(body *string, path string) error {
	if path == "" {
		return nil
	}
	if *body == "" {
		*body = path
	}
	if *body != path {
		return api.Invalid("name", "body names %q but the URL names %q", *body, path)
	}
	return nil
}

func changeStatus(ch Change) int {
	if ch == Created {
		return http.StatusCreated
	}
	return http.StatusOK
}

func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
