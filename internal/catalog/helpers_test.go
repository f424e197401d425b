package catalog_test

import (
	"encoding/json"
	"errors"

	"github.com/paved-dev/paved/internal/api"
)

func isStatus(err error, status int) bool {
	var e *api.Error
	return errors.As(err, &e) && e.Status == status
}

func isField(err error, field string) bool {
	var e *api.Error
	return errors.As(err, &e) && e.Field == field
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
