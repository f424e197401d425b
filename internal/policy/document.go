package policy

// Input kinds a policy can apply to.
const (
	KindKubernetes      = "kubernetes"
	KindTerraform       = "terraform"
	KindTerraformModule = "terraform-module"
	KindDockerfile      = "dockerfile"
)

// InputKinds are the valid values of a policy's custom.inputs.
var InputKinds = []string{KindKubernetes, KindTerraform, KindTerraformModule, KindDockerfile}

// Document is one resource to evaluate, with where it came from.
type Document struct {
	// Kind is one of the Kind* constants.
	Kind string
	// File and Line locate the resource ("-" for stdin); Line is 1-based.
	File string
	Line int
	// Resource identifies the resource in results.
	Resource Resource
	// Input is what Rego sees as `input`: JSON-shaped Go values
	// (map[string]any, []any, string, json.Number or float64, bool, nil).
	Input any
	// Namespace, Labels, Account and Tags are the ownership signals the
	// catalog resolves to team, service and environment.
	Namespace string
	Labels    map[string]string
	Account   string
	Tags      map[string]string
	// Locations maps a resource address (for terraform-module documents)
	// to its own file and line, so that a result naming `resource` points
	// there.
	Locations map[string]Location
}

// Location is a place in a file.
type Location struct {
	File     string
	Line     int
	Resource Resource
}

// Resource names what a result is about: a Kubernetes object
// (APIVersion, Kind, Namespace, Name), a Terraform resource (Type,
// Address) or a Dockerfile stage (Kind "Dockerfile", Name the stage).
type Resource struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name,omitempty"`
	Type       string `json:"type,omitempty"`
	Address    string `json:"address,omitempty"`
}

// String renders the resource the way a developer names it:
// Deployment/shop/checkout, aws_s3_bucket.logs.
func (r Resource) String() string {
	switch {
	case r.Address != "":
		return r.Address
	case r.Kind == "Dockerfile":
		return r.Name // the file path already says what it is
	case r.Namespace != "":
		return r.Kind + "/" + r.Namespace + "/" + r.Name
	case r.Kind != "" && r.Name != "":
		return r.Kind + "/" + r.Name
	}
	return r.Kind
}
