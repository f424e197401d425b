package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/paved-dev/paved/internal/api"
)

//go:embed templates/*.html
var templateFS embed.FS

// navItem is one entry of the header navigation.
type navItem struct {
	Label, Href string
}

// nav is built from this list so that later capabilities (Guardrails,
// Costs, Delivery) add one line when their page exists. Never list a page
// that does not.
var nav = []navItem{
	{"Overview", "/"},
	{"Teams", "/teams"},
	{"Services", "/services"},
	{"Guardrails", "/policies"},
	{"Costs", "/costs"},
	{"Delivery", "/delivery"},
	{"Surveys", "/surveys"},
	{"Usage", "/usage"},
}

// navLink is a nav entry as rendered for one request.
type navLink struct {
	navItem
	Active bool
}

func navFor(path string) []navLink {
	links := make([]navLink, len(nav))
	for i, n := range nav {
		active := path == n.Href || (n.Href != "/" && strings.HasPrefix(path, n.Href+"/"))
		links[i] = navLink{navItem: n, Active: active}
	}
	return links
}

// page is what the shared layout renders; Data is the page's own content.
type page struct {
	Title   string
	Nav     []navLink
	Viewer  *viewer
	Demo    bool
	Version string
	// SignIn links to the sign-in form, coming back here afterwards; it is
	// empty on the form itself.
	SignIn  string
	Notices []string
	Data    any
}

// pageSet holds one template per page, each a clone of the shared layout
// with the page's blocks parsed on top.
type pageSet struct {
	byName map[string]*template.Template
}

var pageNames = []string{"overview", "teams", "team", "services", "service", "policies", "policy", "costs", "cost_review", "delivery", "surveys", "survey", "answer", "usage", "login", "error"}

func parsePages(assets *assetSet) (*pageSet, error) {
	funcs := template.FuncMap{
		"asset": assets.url,
		"short": shortURL,
		// Cost pages: amounts always carry their currency.
		"money":       money,
		"amount":      amount,
		"signedMoney": signedMoney,
		"sharePct":    sharePct,
		"changePct":   changePct,
		"monthName":   monthName,
		"dayName":     dayName,
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	ps := &pageSet{byName: map[string]*template.Template{}}
	for _, name := range pageNames {
		// templates/<page>_*.html hold a page's add-ons, such as the team
		// page's panels.
		files := []string{"templates/" + name + ".html"}
		extra, err := fs.Glob(templateFS, "templates/"+name+"_*.html")
		if err != nil {
			return nil, err
		}
		t, err := base.Clone()
		if err == nil {
			t, err = t.ParseFS(templateFS, append(files, extra...)...)
		}
		if err != nil {
			return nil, fmt.Errorf("parsing template %s: %w", name, err)
		}
		ps.byName[name] = t
	}
	return ps, nil
}

// render writes a full page. It renders into a buffer first so that a
// template error becomes a clean 500, not half a page.
func (u *ui) render(w http.ResponseWriter, r *http.Request, v *viewer, status int, name, title string, data any) {
	t, ok := u.pages.byName[name]
	if !ok {
		panic("web: no page template " + name)
	}
	p := page{
		Title: title, Nav: navFor(r.URL.Path), Viewer: v, Demo: u.demo,
		Version: u.ver, Data: data,
	}
	if r.URL.Path != "/login" {
		p.SignIn = "/login?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	if status == http.StatusOK && r.Method == http.MethodGet {
		p.Notices = takeFlash(w, r, v)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		u.log.ErrorContext(r.Context(), "rendering page failed", "page", name, "path", r.URL.Path, "err", err)
		http.Error(w, "internal error; see the server log", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// Pages carry the session's CSRF token and per-user content.
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// errorPage is the content of the error template.
type errorPage struct {
	Status  int
	Heading string
	Message string
}

// fail renders err as an error page: *api.Error client errors with their
// own status and message, anything else as a logged 500 whose details stay
// in the log.
func (u *ui) fail(w http.ResponseWriter, r *http.Request, v *viewer, err error) {
	if v == nil {
		v = &viewer{}
	}
	status, msg := http.StatusInternalServerError, "paved could not show this page. The error has been logged; try again, and tell your platform team if it keeps happening."
	var e *api.Error
	if errors.As(err, &e) && e.Status < 500 {
		status, msg = e.Status, sentence(e.Message)
	} else {
		u.log.ErrorContext(r.Context(), "page failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	heading := map[int]string{
		http.StatusNotFound:     "Page not found",
		http.StatusForbidden:    "Not allowed",
		http.StatusUnauthorized: "Sign-in needed",
	}[status]
	if heading == "" {
		heading = http.StatusText(status)
	}
	u.render(w, r, v, status, "error", heading, errorPage{Status: status, Heading: heading, Message: msg})
}

func percent(n, total int) int {
	if total == 0 {
		return 0
	}
	return (n*100 + total/2) / total
}

// shortURL drops the scheme, which every repository link shares.
func shortURL(u string) string {
	return strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
}

// sentence turns an API error message ("team \"x\" does not exist") into
// one for a page.
func sentence(msg string) string {
	if msg == "" {
		return msg
	}
	r, n := utf8.DecodeRuneInString(msg)
	msg = string(unicode.ToUpper(r)) + msg[n:]
	if !strings.ContainsAny(msg[len(msg)-1:], ".!?") {
		msg += "."
	}
	return msg
}
