// Package api holds what every capability's JSON handlers share: the error
// shape, JSON reading and writing, and the Route type that both the server's
// router and the generated OpenAPI document are built from, so the two can
// never disagree.
package api

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is an error with an HTTP status and a stable machine-readable
// code. Capability packages return it from their logic so that the CLI can
// print it and the API can send it without translation.
type Error struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	// Field names the request field at fault, when there is one.
	Field string `json:"field,omitempty"`
	// Details lists every problem when there are several (an import that
	// failed validation, say), one line each.
	Details []string `json:"details,omitempty"`
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// NotFound reports a missing entity.
func NotFound(format string, args ...any) *Error {
	return &Error{Status: http.StatusNotFound, Code: "not_found", Message: fmt.Sprintf(format, args...)}
}

// Invalid reports a bad value in field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid", Field: field, Message: fmt.Sprintf(format, args...)}
}

// Conflict reports a state clash such as a duplicate name.
func Conflict(format string, args ...any) *Error {
	return &Error{Status: http.StatusConflict, Code: "conflict", Message: fmt.Sprintf(format, args...)}
}

// BadRequest reports a malformed request.
func BadRequest(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: fmt.Sprintf(format, args...)}
}

// IsNotFound reports whether err is a NotFound *Error.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusNotFound
}

// IsInputError reports whether err is the caller's fault (a 4xx), which the
// CLI turns into exit code 2.
func IsInputError(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status >= 400 && e.Status < 500
}
