package input

import (
	"bytes"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/paved-dev/paved/internal/policy"
)

// looksLikePlan is a cheap test run before committing to the plan reader:
// the reader itself decides, from the top-level keys.
func looksLikePlan(data []byte) bool {
	return bytes.Contains(data, []byte(`"format_version"`)) &&
		(bytes.Contains(data, []byte(`"resource_changes"`)) || bytes.Contains(data, []byte(`"planned_values"`)))
}

// planChange is the part of one resource_changes entry paved uses.
type planChange struct {
	offset        int
	address       string
	moduleAddress string
	mode          string
	typ           string
	name          string
	index         any
	hasIndex      bool
	provider      string
	deposed       string
	actions       tfjson.Actions
	after         any
	afterUnknown  any
}

// errNotPlan says the JSON turned out not to be a plan.
var errNotPlan = fmt.Errorf("not a Terraform plan")

// planResult is what one resource change contributes.
type planResult struct {
	keep    bool // the resource exists after apply (create, update, no-op)
	changed bool // created or updated: checked on its own
	address string
	typ     string
	in      map[string]any
	tags    map[string]string
	account string
}

// readPlan reads `terraform show -json PLANFILE` output. It returns
// errNotPlan when the top-level object has no format_version or neither
// resource_changes nor planned_values.
//
// A first pass walks the top level, notes where each resource change
// starts (skipping it) and reads the configuration's references, which
// come after resource_changes; then the changes are decoded, in parallel
// for large plans.
func readPlan(file string, data []byte) ([]policy.Document, error) {
	p := newJSONParser(file, data)
	var (
		formatVersion string
		hasVersion    bool
		hasChanges    bool
		hasPlanned    bool
		offsets       []int
		refs          = map[string]map[string][]string{} // config address → attribute → referenced addresses
	)
	if p.peek() != '{' {
		return nil, errNotPlan
	}
	err := p.object(func(key string) error {
		switch key {
		case "format_version":
			hasVersion = true
			s, err := p.str()
			formatVersion = s
			return err
		case "resource_changes":
			hasChanges = true
			if p.peek() == 'n' {
				return p.literal("null")
			}
			offsets = make([]int, 0, len(data)/4096)
			return p.array(func() error {
				offsets = append(offsets, p.pos)
				return p.skip()
			})
		case "planned_values":
			hasPlanned = true
			return p.skip()
		case "configuration":
			if p.peek() != '{' {
				return p.skip()
			}
			return p.object(func(key string) error {
				if key == "root_module" && p.peek() == '{' {
					return p.configModule("", refs)
				}
				return p.skip()
			})
		default:
			return p.skip()
		}
	})
	if err == nil {
		err = p.end()
	}
	if err != nil {
		return nil, err
	}
	if !hasVersion || !hasChanges && !hasPlanned {
		return nil, errNotPlan
	}
	if err := (&tfjson.Plan{FormatVersion: formatVersion}).Validate(); err != nil {
		return nil, &Error{File: file, Line: 1, Msg: "unsupported Terraform plan: " + err.Error() + " (expected the output of `terraform show -json PLANFILE`)"}
	}

	results, err := decodeChanges(file, data, offsets, refs)
	if err != nil {
		return nil, err
	}
	n := 0
	for i := range results {
		if results[i].changed {
			n++
		}
	}
	docs := make([]policy.Document, 0, n+1)
	module := policy.Document{
		Kind:      policy.KindTerraformModule,
		File:      file,
		Line:      1,
		Resource:  policy.Resource{Kind: "TerraformPlan", Name: file},
		Locations: make(map[string]policy.Location, len(results)),
	}
	resources := make([]any, 0, len(results))
	line, lineOff := 1, 0
	for i := range results {
		r := &results[i]
		if !r.keep {
			continue
		}
		line += bytes.Count(data[lineOff:offsets[i]], []byte{'\n'})
		lineOff = offsets[i]
		res := policy.Resource{Type: r.typ, Address: r.address}
		module.Locations[r.address] = policy.Location{File: file, Line: line, Resource: res}
		resources = append(resources, r.in)
		if r.changed {
			docs = append(docs, policy.Document{
				Kind:     policy.KindTerraform,
				File:     file,
				Line:     line,
				Resource: res,
				Input:    r.in,
				Account:  r.account,
				Tags:     r.tags,
			})
		}
	}
	module.Input = map[string]any{"resources": resources}
	return append(docs, module), nil
}

// decodeChanges decodes the resource changes at offsets.
func decodeChanges(file string, data []byte, offsets []int, refs map[string]map[string][]string) ([]planResult, error) {
	results := make([]planResult, len(offsets))
	decode := func(from, to int) error {
		p := newJSONParser(file, data)
		for i := from; i < to; i++ {
			p.pos = offsets[i]
			c, err := p.resourceChange()
			if err != nil {
				return err
			}
			results[i] = planResource(&c, refs)
		}
		return nil
	}
	workers := min(runtime.GOMAXPROCS(0), len(offsets)/512)
	if workers <= 1 {
		return results, decode(0, len(offsets))
	}
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[w] = decode(w*len(offsets)/workers, (w+1)*len(offsets)/workers)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return results, nil
}

// planResource builds the result of one resource change.
func planResource(c *planChange, refs map[string]map[string][]string) planResult {
	r := planResult{address: c.address, typ: c.typ}
	if c.mode != "" && c.mode != string(tfjson.ManagedResourceMode) || c.deposed != "" {
		return r
	}
	r.changed = hasAction(c.actions, tfjson.ActionCreate) || hasAction(c.actions, tfjson.ActionUpdate)
	r.keep = r.changed || hasAction(c.actions, tfjson.ActionNoop)
	if !r.keep {
		return r // delete, read, forget: nothing that will exist to check
	}
	r.in, r.tags = planInput(c, refs)
	if r.changed {
		r.account = account(r.in["provider"].(string), r.in["values"])
	}
	return r
}

func hasAction(actions tfjson.Actions, a tfjson.Action) bool {
	for _, x := range actions {
		if x == a {
			return true
		}
	}
	return false
}

// resourceChange decodes one resource_changes entry.
func (p *jsonParser) resourceChange() (planChange, error) {
	c := planChange{offset: p.pos}
	if p.peek() != '{' {
		return c, p.fail("expected a resource change object in resource_changes, found %s", p.describe())
	}
	err := p.object(func(key string) error {
		var err error
		switch key {
		case "address":
			c.address, err = p.optString()
		case "module_address":
			c.moduleAddress, err = p.optString()
		case "mode":
			c.mode, err = p.optString()
		case "type":
			c.typ, err = p.optString()
		case "name":
			c.name, err = p.optString()
		case "provider_name":
			c.provider, err = p.optString()
		case "deposed":
			c.deposed, err = p.optString()
		case "index":
			c.index, err = p.value()
			c.hasIndex = c.index != nil
		case "change":
			if p.peek() != '{' {
				return p.skip()
			}
			err = p.object(func(key string) error {
				var err error
				switch key {
				case "actions":
					var a []string
					a, err = p.stringArray()
					for _, s := range a {
						c.actions = append(c.actions, tfjson.Action(s))
					}
				case "after":
					c.after, err = p.value()
				case "after_unknown":
					c.afterUnknown, err = p.value()
				default:
					err = p.skip()
				}
				return err
			})
		default:
			err = p.skip()
		}
		return err
	})
	if err == nil && c.address == "" {
		p.pos = c.offset
		err = p.fail("resource change without an address")
	}
	return c, err
}

// configModule collects the references of every resource expression in a
// configuration module (and its module calls), keyed by the resource's
// configuration address (module.a.module.b.type.name, no instance keys).
func (p *jsonParser) configModule(prefix string, refs map[string]map[string][]string) error {
	return p.object(func(key string) error {
		switch key {
		case "resources":
			if p.peek() != '[' {
				return p.skip()
			}
			return p.array(func() error {
				if p.peek() != '{' {
					return p.skip()
				}
				var address string
				attrs := map[string][]string{}
				err := p.object(func(key string) error {
					switch key {
					case "address":
						s, err := p.optString()
						address = s
						return err
					case "expressions":
						if p.peek() != '{' {
							return p.skip()
						}
						return p.object(func(attr string) error {
							var list []string
							if err := p.expressionRefs(&list); err != nil {
								return err
							}
							if len(list) > 0 {
								attrs[attr] = list
							}
							return nil
						})
					}
					return p.skip()
				})
				if err == nil && address != "" && len(attrs) > 0 {
					refs[prefix+address] = attrs
				}
				return err
			})
		case "module_calls":
			if p.peek() != '{' {
				return p.skip()
			}
			return p.object(func(name string) error {
				if p.peek() != '{' {
					return p.skip()
				}
				return p.object(func(key string) error {
					if key == "module" && p.peek() == '{' {
						return p.configModule(prefix+"module."+name+".", refs)
					}
					return p.skip()
				})
			})
		}
		return p.skip()
	})
}

// expressionRefs appends the references of one configuration expression:
// {"references": [...]} or, for nested blocks, a list of objects of
// expressions.
func (p *jsonParser) expressionRefs(out *[]string) error {
	switch p.peek() {
	case '{':
		return p.object(func(key string) error {
			if key == "references" && p.peek() == '[' {
				list, err := p.stringArray()
				*out = append(*out, list...)
				return err
			}
			if key == "constant_value" || key == "references" {
				return p.skip()
			}
			return p.expressionRefs(out) // a nested block's attribute
		})
	case '[':
		return p.array(func() error { return p.expressionRefs(out) })
	}
	return p.skip()
}

// planInput builds what a policy sees for one resource change, and its
// effective tags (nil when unknown until apply).
func planInput(c *planChange, refs map[string]map[string][]string) (map[string]any, map[string]string) {
	values, _ := c.after.(map[string]any)
	if values == nil {
		values = map[string]any{}
	}
	unknown := c.afterUnknown
	if unknown == nil {
		unknown = map[string]any{}
	}
	stripUnknown(values, unknown)
	provider := shortProvider(c.provider, c.typ)
	in := make(map[string]any, 13)
	in["address"] = c.address
	in["module"] = c.moduleAddress
	in["type"] = c.typ
	in["name"] = c.name
	in["provider"] = provider
	in["mode"] = "managed"
	in["source"] = "plan"
	in["actions"] = actionList(c.actions)
	in["values"] = values
	in["unknown"] = unknown
	if c.hasIndex {
		in["index"] = c.index
	}
	if r := planRefs(c, refs); len(r) > 0 {
		in["references"] = r
	}
	if tags, known := effectiveTags(values, unknown); known {
		in["tags"] = tags
		return in, stringMap(tags)
	}
	return in, nil
}

func actionList(a tfjson.Actions) []any {
	out := make([]any, len(a))
	for i, x := range a {
		out[i] = string(x)
	}
	return out
}

// stripUnknown removes from values whatever unknown marks as unknown (the
// plan already leaves unknown attributes out of after, except as null
// placeholders in lists, which stay to keep indexes).
func stripUnknown(values, unknown any) {
	switch u := unknown.(type) {
	case map[string]any:
		v, ok := values.(map[string]any)
		if !ok {
			return
		}
		for k, uk := range u {
			if uk == true {
				delete(v, k)
			} else if vk, ok := v[k]; ok {
				stripUnknown(vk, uk)
			}
		}
	case []any:
		v, ok := values.([]any)
		if !ok {
			return
		}
		for i := 0; i < len(u) && i < len(v); i++ {
			if u[i] == true {
				v[i] = nil
			} else {
				stripUnknown(v[i], u[i])
			}
		}
	}
}

// tagKeys are where the effective tags or labels of a resource live, most
// complete first: AWS tags_all includes the provider's default_tags,
// Google terraform_labels includes default_labels.
var tagKeys = []string{"tags_all", "tags", "terraform_labels", "labels"}

// effectiveTags returns a resource's effective tags or labels (string
// values only), and whether they are known (false when they depend on
// values known only after apply). A resource without tags has known,
// empty tags.
func effectiveTags(values map[string]any, unknown any) (map[string]any, bool) {
	u, _ := unknown.(map[string]any)
	if unknown == true {
		return nil, false
	}
	for _, k := range tagKeys {
		if hasUnknown(u[k]) {
			return nil, false
		}
		if m, ok := values[k].(map[string]any); ok {
			out := make(map[string]any, len(m))
			for tk, tv := range m {
				if s, ok := tv.(string); ok {
					out[tk] = s
				}
			}
			return out, true
		}
	}
	return map[string]any{}, true
}

// hasUnknown reports whether an after_unknown subtree marks anything
// unknown.
func hasUnknown(u any) bool {
	switch u := u.(type) {
	case bool:
		return u
	case map[string]any:
		for _, v := range u {
			if hasUnknown(v) {
				return true
			}
		}
	case []any:
		for _, v := range u {
			if hasUnknown(v) {
				return true
			}
		}
	}
	return false
}

// stringMap copies tags for Document.Tags.
func stringMap(m map[string]any) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k], _ = v.(string)
	}
	return out
}

// shortProvider turns registry.terraform.io/hashicorp/aws (or the older
// provider.aws and provider["registry.terraform.io/hashicorp/aws"]) into
// aws; without a provider name it takes the resource type's prefix.
func shortProvider(name, typ string) string {
	name = strings.TrimPrefix(name, "provider.")
	name = strings.TrimPrefix(name, "provider[")
	name = strings.Trim(name, `"[]`)
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	if i := strings.IndexByte(name, '.'); i >= 0 { // an alias: aws.west
		name = name[:i]
	}
	if name == "" {
		name, _, _ = strings.Cut(typ, "_")
	}
	return name
}

// account finds the cloud account a resource belongs to where its values
// say: a Google project, the account in an AWS ARN, the subscription in
// an Azure resource ID.
func account(provider string, v any) string {
	values, _ := v.(map[string]any)
	switch provider {
	case "google", "google-beta":
		s, _ := values["project"].(string)
		return s
	case "aws":
		arn, _ := values["arn"].(string)
		if parts := strings.SplitN(arn, ":", 6); len(parts) == 6 && len(parts[4]) == 12 {
			return parts[4]
		}
	case "azurerm":
		id, _ := values["id"].(string)
		if rest, ok := strings.CutPrefix(strings.ToLower(id), "/subscriptions/"); ok {
			sub, _, _ := strings.Cut(rest, "/")
			return sub
		}
	}
	return ""
}

// planRefs resolves the configuration references of a resource change to
// resource addresses in the same module instance: attribute → sorted
// addresses (data.type.name or type.name, without instance keys).
func planRefs(c *planChange, refs map[string]map[string][]string) map[string]any {
	key := stripInstanceKeys(c.moduleAddress)
	if key != "" {
		key += "."
	}
	key += c.typ + "." + c.name
	attrs := refs[key]
	if len(attrs) == 0 {
		return nil
	}
	prefix := ""
	if c.moduleAddress != "" {
		prefix = c.moduleAddress + "."
	}
	out := make(map[string]any, len(attrs))
	for attr, list := range attrs {
		if r := resourceRefs(prefix, list); len(r) > 0 {
			out[attr] = r
		}
	}
	return out
}

// resourceRefs turns Terraform references (aws_s3_bucket.logs.id,
// data.aws_iam_policy_document.p.json, var.x...) into the unique, sorted
// resource addresses they name, prefixed with the module instance.
func resourceRefs(prefix string, list []string) []any {
	out := make([]string, 0, len(list))
	for _, r := range list {
		a := refAddress(r)
		if a == "" {
			continue
		}
		if prefix != "" {
			a = prefix + a
		}
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return nil
	}
	slices.Sort(out)
	res := make([]any, len(out))
	for i, a := range out {
		res[i] = a
	}
	return res
}

// refAddress returns the resource a reference names (type.name or
// data.type.name, without an instance key), or "" when it names something
// else (a variable, a local, a module output...).
func refAddress(ref string) string {
	first, rest, ok := strings.Cut(ref, ".")
	if !ok {
		return ""
	}
	switch first {
	case "var", "local", "module", "each", "count", "path", "terraform", "self", "":
		return ""
	case "data":
		typ, rest, ok := strings.Cut(rest, ".")
		if !ok || typ == "" {
			return ""
		}
		name := refName(rest)
		if name == "" {
			return ""
		}
		return ref[:len("data.")+len(typ)+1+len(name)]
	}
	if strings.ContainsAny(first, "[]()\" ") {
		return ""
	}
	name := refName(rest)
	if name == "" {
		return ""
	}
	return ref[:len(first)+1+len(name)]
}

// refName is the name at the start of rest, up to a '.' or '['.
func refName(rest string) string {
	if i := strings.IndexAny(rest, ".["); i >= 0 {
		return rest[:i]
	}
	return rest
}

// stripInstanceKeys turns module.a[0].module.b["x"] into module.a.module.b.
func stripInstanceKeys(addr string) string {
	if !strings.Contains(addr, "[") {
		return addr
	}
	var b strings.Builder
	depth, quoted := 0, false
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		switch {
		case quoted:
			if c == '\\' {
				i++
			} else if c == '"' {
				quoted = false
			}
		case c == '"' && depth > 0:
			quoted = true
		case c == '[':
			depth++
		case c == ']' && depth > 0:
			depth--
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}
