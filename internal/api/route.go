package api

import "net/http"

// Permission is what a route requires of the caller.
type Permission int

const (
	// Public routes need no credentials (health checks, the OpenAPI file).
	Public Permission = iota
	// Read needs a viewer, editor or admin token.
	Read
	// Write needs an editor or admin token.
	Write
	// Admin needs an admin token.
	Admin
	// Ingest accepts ingest, editor and admin tokens: the only routes an
	// ingest token may call.
	Ingest
)

func (p Permission) String() string {
	return [...]string{"public", "read", "write", "admin", "ingest"}[p]
}

// Route is one JSON API operation. The server registers Handler under
// Method and Pattern, and the OpenAPI document is generated from the same
// value, so the two cannot drift apart.
type Route struct {
	Method  string
	Pattern string // net/http pattern path, e.g. /api/v1/teams/{name}
	Perm    Permission
	Tag     string
	Summary string
	// Query lists the query parameters the handler reads.
	Query []Param
	// Request and Response are zero values of the body types, used only to
	// describe them; nil means no body. RequestType overrides the JSON media
	// type for non-JSON bodies such as YAML uploads.
	Request     any
	RequestType string
	Response    any
	// Status is the success status (200 when zero).
	Status int
	// MaxBodyBytes raises the server's body limit for routes that take bulk
	// uploads (0 keeps the server's limit).
	MaxBodyBytes int64
	Handler      http.HandlerFunc
}

// Param describes a query parameter.
type Param struct {
	Name, Description string
	Required          bool
}

// SuccessStatus returns the documented success status.
func (r Route) SuccessStatus() int {
	if r.Status == 0 {
		return http.StatusOK
	}
	return r.Status
}
