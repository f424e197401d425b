package api

import (
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// OpenAPI builds an OpenAPI 3.1 document describing routes. Body schemas
// are derived from the Go types' json tags, so a field added to a response
// type is documented without anyone remembering to.
func OpenAPI(title, version string, routes []Route) map[string]any {
	g := &schemaGen{components: map[string]any{}}
	paths := map[string]any{}
	for _, r := range routes {
		item, _ := paths[r.Pattern].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[r.Pattern] = item
		}
		item[strings.ToLower(r.Method)] = g.operation(r)
	}
	g.components["Error"] = g.schema(reflect.TypeOf(ErrorBody{}))
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       title,
			"version":     version,
			"description": "paved's JSON API. Authenticate with `Authorization: Bearer <token>`; tokens are created with `paved token create`.",
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": g.components,
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer"},
			},
		},
	}
}

var pathParamRE = regexp.MustCompile(`\{([a-zA-Z_]+)\.{0,3}\}`)

func (g *schemaGen) operation(r Route) map[string]any {
	op := map[string]any{
		"summary":            r.Summary,
		"operationId":        operationID(r),
		"tags":               []string{r.Tag},
		"x-paved-permission": r.Perm.String(),
	}
	var params []any
	for _, m := range pathParamRE.FindAllStringSubmatch(r.Pattern, -1) {
		params = append(params, map[string]any{
			"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"},
		})
	}
	for _, q := range r.Query {
		params = append(params, map[string]any{
			"name": q.Name, "in": "query", "required": q.Required, "description": q.Description,
			"schema": map[string]any{"type": "string"},
		})
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	if r.Perm != Public {
		op["security"] = []any{map[string]any{"bearer": []string{}}}
	}
	if r.Request != nil || r.RequestType != "" {
		mt := "application/json"
		var schema any = map[string]any{"type": "string"}
		if r.RequestType != "" {
			mt = r.RequestType
		} else {
			schema = g.schema(reflect.TypeOf(r.Request))
		}
		op["requestBody"] = map[string]any{
			"required": true,
			"content":  map[string]any{mt: map[string]any{"schema": schema}},
		}
	}
	ok := map[string]any{"description": http.StatusText(r.SuccessStatus())}
	if r.Response != nil {
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(r.Response))}}
	}
	errResp := map[string]any{
		"description": "error",
		"content":     map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}},
	}
	op["responses"] = map[string]any{strconv.Itoa(r.SuccessStatus()): ok, "default": errResp}
	return op
}

func operationID(r Route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(r.Method))
	for _, part := range strings.FieldsFunc(r.Pattern, func(c rune) bool { return c == '/' || c == '{' || c == '}' || c == '.' }) {
		if part == "api" || part == "v1" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

type schemaGen struct {
	components map[string]any
}

var timeType = reflect.TypeOf(time.Time{})

func (g *schemaGen) schema(t reflect.Type) any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t.Kind() == reflect.Struct:
		name := t.Name()
		if name == "" {
			return g.object(t)
		}
		if _, ok := g.components[name]; !ok {
			g.components[name] = nil // break cycles before recursing
			g.components[name] = g.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case t.Kind() == reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case t.Kind() == reflect.String:
		return map[string]any{"type": "string"}
	case t.Kind() == reflect.Bool:
		return map[string]any{"type": "boolean"}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return map[string]any{"type": "integer"}
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return map[string]any{"type": "number"}
	}
	return map[string]any{}
}

func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			if emb, ok := g.object(f.Type)["properties"].(map[string]any); ok {
				for k, v := range emb {
					props[k] = v
				}
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		s := g.schema(f.Type)
		if doc := f.Tag.Get("doc"); doc != "" {
			if m, ok := s.(map[string]any); ok && m["$ref"] == nil {
				m["description"] = doc
			}
		}
		props[name] = s
		if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
			required = append(required, name)
		}
	}
	sort.Strings(required)
	out := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}
