package input

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/paved-dev/paved/internal/policy"
)

// hclSource is one .tf file of a module.
type hclSource struct {
	name string
	data []byte
}

// hclFunctions are the Terraform functions paved evaluates statically:
// pure ones whose go-cty implementation matches Terraform's and whose cost
// is bounded by their input. A call to any other function (file, format,
// timestamp, range...) leaves the attribute unknown.
var hclFunctions = map[string]function.Function{
	"abs": stdlib.AbsoluteFunc, "ceil": stdlib.CeilFunc, "floor": stdlib.FloorFunc,
	"max": stdlib.MaxFunc, "min": stdlib.MinFunc,
	"lower": stdlib.LowerFunc, "upper": stdlib.UpperFunc, "title": stdlib.TitleFunc,
	"trimspace": stdlib.TrimSpaceFunc, "trim": stdlib.TrimFunc,
	"trimprefix": stdlib.TrimPrefixFunc, "trimsuffix": stdlib.TrimSuffixFunc,
	"join": stdlib.JoinFunc, "split": stdlib.SplitFunc, "substr": stdlib.SubstrFunc,
	"concat": stdlib.ConcatFunc, "coalesce": stdlib.CoalesceFunc, "coalescelist": stdlib.CoalesceListFunc,
	"compact": stdlib.CompactFunc, "contains": stdlib.ContainsFunc, "distinct": stdlib.DistinctFunc,
	"flatten": stdlib.FlattenFunc, "keys": stdlib.KeysFunc, "values": stdlib.ValuesFunc,
	"length": stdlib.LengthFunc, "element": stdlib.ElementFunc, "lookup": stdlib.LookupFunc,
	"merge": stdlib.MergeFunc, "zipmap": stdlib.ZipmapFunc,
	"jsonencode": stdlib.JSONEncodeFunc, "jsondecode": stdlib.JSONDecodeFunc,
	"tostring": stdlib.MakeToFunc(cty.String), "tonumber": stdlib.MakeToFunc(cty.Number),
	"tobool": stdlib.MakeToFunc(cty.Bool), "tolist": stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
	"toset": stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)), "tomap": stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
	"try": tryfunc.TryFunc, "can": tryfunc.CanFunc,
}

// metaArguments are resource arguments that are not attributes.
var metaArguments = map[string]bool{"count": true, "for_each": true, "provider": true, "depends_on": true}

// metaBlocks are resource blocks that are not nested attribute blocks.
var metaBlocks = map[string]bool{"lifecycle": true, "provisioner": true, "connection": true}

type hclModule struct {
	dir       string
	vars      map[string]cty.Value
	locals    map[string]hcl.Expression
	localVals map[string]cty.Value
	localBusy map[string]bool
	// providers maps a provider configuration (aws, aws.west) to its
	// default tags (aws default_tags, google default_labels).
	providers map[string]cty.Value
	resources []*hclsyntax.Block
}

// readHCL reads the .tf files of one module (directory dir).
func readHCL(dir string, srcs []hclSource) (docs []policy.Document, err error) {
	defer func() {
		if r := recover(); r != nil { // the HCL library must never take paved down
			docs, err = nil, errorf(srcs[0].name, 0, "cannot evaluate Terraform configuration: %v", r)
		}
	}()
	m := &hclModule{
		dir:       dir,
		vars:      map[string]cty.Value{},
		locals:    map[string]hcl.Expression{},
		localVals: map[string]cty.Value{},
		localBusy: map[string]bool{},
		providers: map[string]cty.Value{},
	}
	var providerBlocks []*hclsyntax.Block
	for _, src := range srcs {
		f, diags := hclsyntax.ParseConfig(src.data, src.name, hcl.InitialPos)
		if diags.HasErrors() {
			return nil, diagError(src.name, diags)
		}
		body, ok := f.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		for _, b := range body.Blocks {
			switch b.Type {
			case "variable":
				if len(b.Labels) == 1 {
					m.vars[b.Labels[0]] = variableDefault(b)
				}
			case "locals":
				for name, a := range b.Body.Attributes {
					m.locals[name] = a.Expr
				}
			case "provider":
				providerBlocks = append(providerBlocks, b)
			case "resource":
				if len(b.Labels) != 2 {
					return nil, errorf(src.name, b.TypeRange.Start.Line, `a resource block needs a type and a name: resource "aws_s3_bucket" "logs" { ... }`)
				}
				m.resources = append(m.resources, b)
			}
		}
	}
	for _, b := range providerBlocks {
		if len(b.Labels) == 1 {
			m.provider(b)
		}
	}

	module := policy.Document{
		Kind:      policy.KindTerraformModule,
		File:      moduleFile(srcs),
		Line:      1,
		Resource:  policy.Resource{Kind: "TerraformModule", Name: dir},
		Locations: map[string]policy.Location{},
	}
	resources := []any{}
	for _, b := range m.resources {
		in, tags, ok := m.resource(b)
		if !ok {
			continue
		}
		address := b.Labels[0] + "." + b.Labels[1]
		res := policy.Resource{Type: b.Labels[0], Address: address}
		file, line := b.TypeRange.Filename, b.TypeRange.Start.Line
		module.Locations[address] = policy.Location{File: file, Line: line, Resource: res}
		resources = append(resources, in)
		docs = append(docs, policy.Document{
			Kind:     policy.KindTerraform,
			File:     file,
			Line:     line,
			Resource: res,
			Input:    in,
			Account:  account(in["provider"].(string), in["values"]),
			Tags:     tags,
		})
	}
	module.Input = map[string]any{"resources": resources}
	return append(docs, module), nil
}

// moduleFile is the file a module-level result points at: main.tf when
// there is one, else the first file.
func moduleFile(srcs []hclSource) string {
	for _, s := range srcs {
		if filepath.Base(s.name) == "main.tf" {
			return s.name
		}
	}
	return srcs[0].name
}

func diagError(file string, diags hcl.Diagnostics) error {
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		line := 0
		if d.Subject != nil {
			file, line = d.Subject.Filename, d.Subject.Start.Line
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		return &Error{File: file, Line: line, Msg: "invalid Terraform: " + msg}
	}
	return &Error{File: file, Msg: "invalid Terraform: " + diags.Error()}
}

// variableDefault is a variable's default value, or unknown when it has
// none (it is set at plan time) or the default is not a constant.
func variableDefault(b *hclsyntax.Block) cty.Value {
	a, ok := b.Body.Attributes["default"]
	if !ok {
		return cty.DynamicVal
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() {
		return cty.DynamicVal
	}
	return v
}

// provider records a provider block's default tags or labels.
func (m *hclModule) provider(b *hclsyntax.Block) {
	key := b.Labels[0]
	if a, ok := b.Body.Attributes["alias"]; ok {
		if v, diags := a.Expr.Value(nil); !diags.HasErrors() && v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
			key += "." + v.AsString()
		}
	}
	if a, ok := b.Body.Attributes["default_labels"]; ok { // google
		m.providers[key] = m.eval(a.Expr)
	}
	for _, nb := range b.Body.Blocks {
		if nb.Type == "default_tags" { // aws
			if a, ok := nb.Body.Attributes["tags"]; ok {
				m.providers[key] = m.eval(a.Expr)
			}
		}
	}
}

// local evaluates local.name once, after the locals it uses; a cycle
// leaves it unknown.
func (m *hclModule) local(name string) (cty.Value, bool) {
	if v, ok := m.localVals[name]; ok {
		return v, true
	}
	expr, ok := m.locals[name]
	if !ok {
		return cty.NilVal, false
	}
	if m.localBusy[name] {
		return cty.DynamicVal, true
	}
	m.localBusy[name] = true
	v := m.eval(expr)
	m.localBusy[name] = false
	m.localVals[name] = v
	return v, true
}

// eval evaluates an expression with var.*, local.* and the functions
// above; whatever else it references (resources, data sources, modules,
// count, each, path) is unknown, and so is the result of an expression
// that does not evaluate.
func (m *hclModule) eval(expr hcl.Expression) cty.Value {
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{}, Functions: hclFunctions}
	locals := map[string]cty.Value{}
	for _, t := range expr.Variables() {
		root := t.RootName()
		switch root {
		case "var":
			ctx.Variables["var"] = cty.ObjectVal(m.vars)
		case "local":
			if name, ok := traversalAttr(t); ok {
				if v, ok := m.local(name); ok {
					locals[name] = v
				}
			}
		default:
			ctx.Variables[root] = cty.DynamicVal
		}
	}
	if len(locals) > 0 {
		ctx.Variables["local"] = cty.ObjectVal(locals)
	}
	v, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return cty.DynamicVal
	}
	return v
}

func traversalAttr(t hcl.Traversal) (string, bool) {
	if len(t) < 2 {
		return "", false
	}
	if a, ok := t[1].(hcl.TraverseAttr); ok {
		return a.Name, true
	}
	return "", false
}

// resource builds the input of one resource block; ok is false when the
// block creates nothing (count = 0, for_each over an empty collection).
func (m *hclModule) resource(b *hclsyntax.Block) (map[string]any, map[string]string, bool) {
	typ, name := b.Labels[0], b.Labels[1]
	if a, ok := b.Body.Attributes["count"]; ok {
		if v := m.eval(a.Expr); v.IsKnown() && !v.IsNull() && v.Type() == cty.Number && v.RawEquals(cty.Zero) {
			return nil, nil, false
		}
	}
	if a, ok := b.Body.Attributes["for_each"]; ok {
		if v := m.eval(a.Expr); v.IsWhollyKnown() && !v.IsNull() && v.CanIterateElements() && v.LengthInt() == 0 {
			return nil, nil, false
		}
	}
	providerKey, _, _ := strings.Cut(typ, "_")
	if a, ok := b.Body.Attributes["provider"]; ok {
		if t, diags := hcl.AbsTraversalForExpr(a.Expr); !diags.HasErrors() {
			providerKey = t.RootName()
			if attr, ok := traversalAttr(t); ok {
				providerKey += "." + attr
			}
		}
	}
	provider, _, _ := strings.Cut(providerKey, ".")
	values, unknown, refs := m.body(b.Body, true)
	in := map[string]any{
		"address":  typ + "." + name,
		"module":   "",
		"type":     typ,
		"name":     name,
		"provider": provider,
		"mode":     "managed",
		"source":   "hcl",
		"values":   values,
		"unknown":  unknown,
	}
	if len(refs) > 0 {
		in["references"] = refs
	}
	if tags, known := m.tags(providerKey, values, unknown); known {
		in["tags"] = tags
		return in, stringMap(tags), true
	}
	return in, nil, true
}

// tags merges a resource's own tags (or labels) over its provider's
// default tags, as tags_all and terraform_labels do in a plan.
func (m *hclModule) tags(providerKey string, values, unknown map[string]any) (map[string]any, bool) {
	own, known := effectiveTags(values, unknown)
	if !known {
		return nil, false
	}
	def, ok := m.providers[providerKey]
	if !ok {
		return own, true
	}
	if !def.IsWhollyKnown() {
		return nil, false
	}
	v, _, _ := ctyToGo(def)
	dm, _ := v.(map[string]any)
	out := make(map[string]any, len(dm)+len(own))
	for k, v := range dm {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	maps.Copy(out, own)
	return out, true
}

// body evaluates a block body: attributes, and nested blocks as lists of
// objects. It returns the known values, the unknown marks (true where a
// value is unknown, like a plan's after_unknown) and, for attributes and
// nested blocks, the resources they reference.
func (m *hclModule) body(body *hclsyntax.Body, top bool) (values, unknown, refs map[string]any) {
	values, unknown, refs = map[string]any{}, map[string]any{}, map[string]any{}
	names := make([]string, 0, len(body.Attributes))
	for n := range body.Attributes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if top && metaArguments[n] {
			continue
		}
		a := body.Attributes[n]
		v, u, has := ctyToGo(m.eval(a.Expr))
		if has {
			values[n] = v
		}
		if u != nil {
			unknown[n] = u
		}
		if r := exprRefs(a.Expr); len(r) > 0 {
			refs[n] = r
		}
	}
	for _, nb := range body.Blocks {
		if top && metaBlocks[nb.Type] {
			continue
		}
		if nb.Type == "dynamic" {
			if len(nb.Labels) == 1 {
				unknown[nb.Labels[0]] = true
				delete(values, nb.Labels[0])
			}
			continue
		}
		if unknown[nb.Type] == true {
			continue
		}
		v, u, r := m.body(nb.Body, false)
		list, _ := values[nb.Type].([]any)
		values[nb.Type] = append(list, v)
		if len(u) > 0 || unknown[nb.Type] != nil {
			ul, _ := unknown[nb.Type].([]any)
			for len(ul) < len(list) {
				ul = append(ul, map[string]any{})
			}
			unknown[nb.Type] = append(ul, u)
		}
		var all []any
		for _, rs := range r {
			all = append(all, rs.([]any)...)
		}
		if len(all) > 0 {
			prev, _ := refs[nb.Type].([]any)
			refs[nb.Type] = uniqueSorted(append(prev, all...))
		}
	}
	return values, unknown, refs
}

// exprRefs returns the resources an expression references.
func exprRefs(expr hcl.Expression) []any {
	var list []string
	for _, t := range expr.Variables() {
		var parts []string
		for _, s := range t {
			switch s := s.(type) {
			case hcl.TraverseRoot:
				parts = append(parts, s.Name)
			case hcl.TraverseAttr:
				parts = append(parts, s.Name)
			}
			if len(parts) == 3 {
				break
			}
		}
		list = append(list, strings.Join(parts, "."))
	}
	return resourceRefs("", list)
}

func uniqueSorted(list []any) []any {
	out := make([]string, 0, len(list))
	for _, v := range list {
		if s := v.(string); !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	res := make([]any, len(out))
	for i, s := range out {
		res[i] = s
	}
	return res
}

// ctyToGo converts a value to JSON-shaped Go: val holds the known part
// (has is false when nothing is known), unk mirrors it with true where
// the value is unknown (nil when all of it is known).
func ctyToGo(v cty.Value) (val any, unk any, has bool) {
	v, _ = v.Unmark()
	if !v.IsKnown() {
		return nil, true, false
	}
	if v.IsNull() {
		return nil, nil, true
	}
	t := v.Type()
	switch {
	case t == cty.String:
		return v.AsString(), nil, true
	case t == cty.Number:
		return ctyNumber(v.AsBigFloat()), nil, true
	case t == cty.Bool:
		return v.True(), nil, true
	case t.IsObjectType() || t.IsMapType():
		vals := map[string]any{}
		unks := map[string]any{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			ev, eu, eh := ctyToGo(e)
			if eh {
				vals[k.AsString()] = ev
			}
			if eu != nil {
				unks[k.AsString()] = eu
			}
		}
		if len(unks) == 0 {
			return vals, nil, true
		}
		return vals, unks, true
	case t.IsListType() || t.IsSetType() || t.IsTupleType():
		vals := make([]any, 0, v.LengthInt())
		unks := make([]any, 0, v.LengthInt())
		anyUnknown := false
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			ev, eu, _ := ctyToGo(e)
			vals = append(vals, ev)
			if eu == nil {
				eu = false
			} else {
				anyUnknown = true
			}
			unks = append(unks, eu)
		}
		if !anyUnknown {
			return vals, nil, true
		}
		return vals, unks, true
	}
	return fmt.Sprint(v.GoString()), nil, true
}

func ctyNumber(f *big.Float) any {
	if f.IsInf() {
		return f.String()
	}
	if f.IsInt() {
		if i, acc := f.Int64(); acc == big.Exact {
			return json.Number(strconv.FormatInt(i, 10))
		}
		return json.Number(f.Text('g', -1))
	}
	x, _ := f.Float64()
	return json.Number(strconv.FormatFloat(x, 'g', -1, 64))
}
