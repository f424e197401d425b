package survey

import (
	"context"
	"reflect"
	"sync"

	"github.com/paved-dev/paved/internal/config"
)

// resultsCache keeps the computed results of closed surveys, which every
// team page and the Surveys page read again and again. A closed survey
// takes no more answers, so its results change only with its definition
// or its number of answers (an answer a replica with a slower clock took
// at the very end): both are part of the key.
type resultsCache struct {
	mu sync.Mutex
	m  map[string]cachedResults
}

type cachedResults struct {
	def       config.SurveyDefinition
	responses int
	res       Results
}

// closedResults returns a closed survey's results, computed once. The
// Results are shared between callers, who must not modify them.
func (s *Service) closedResults(ctx context.Context, sv Survey) (Results, error) {
	n, err := s.store.responseCount(ctx, sv.ID)
	if err != nil {
		return Results{}, err
	}
	def := sv.Definition()
	s.cache.mu.Lock()
	c, ok := s.cache.m[sv.ID]
	s.cache.mu.Unlock()
	if ok && c.responses == n && reflect.DeepEqual(c.def, def) {
		return c.res, nil
	}
	responses, err := s.store.responses(ctx, sv.ID)
	if err != nil {
		return Results{}, err
	}
	res := Compute(sv, StatusClosed, responses, s.MinResponses())
	s.cache.mu.Lock()
	if s.cache.m == nil {
		s.cache.m = map[string]cachedResults{}
	}
	s.cache.m[sv.ID] = cachedResults{def: def, responses: len(responses), res: res}
	s.cache.mu.Unlock()
	return res, nil
}
