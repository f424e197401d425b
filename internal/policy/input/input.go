// Package input turns the files paved checks into policy Documents, each
// knowing its file and line so that a result can point at it.
//
// Read detects a file's type from its name and, for stdin and ambiguous
// names, its content. ReadPath also walks directories, reading every .tf
// file of one directory together as one module. Errors are *Error, naming
// the file and line and saying what was expected.
//
// What each Document's Input holds:
//
//   - kubernetes: the object as written, JSON-shaped (numbers are
//     json.Number; plain yes/no/on/off are booleans, as Kubernetes reads
//     YAML), one Document per object and per item of a List. Line is the
//     object's first line; Labels are metadata.labels over a controller's
//     pod template labels.
//   - terraform: one resource: {address, module (the module instance
//     address, "" for the root), type, name, index (plans, when count or
//     for_each), provider (aws, azurerm, google...), mode: "managed",
//     source: "plan"|"hcl", actions (plans: ["create"], ["update"],
//     ["delete","create"]...), values, unknown, references, tags}. values
//     holds what is known before apply and unknown mirrors it with true
//     where a value is known only after apply (a plan's after_unknown; in
//     .tf files, an expression that references resources, data sources or
//     variables without defaults, or calls a function paved does not
//     evaluate). references maps an attribute (or nested block) to the
//     resource addresses it refers to, without instance keys, prefixed
//     with the module instance. tags is the effective tags or labels
//     (tags_all, tags, terraform_labels, labels, in that order; for .tf
//     files the resource's tags over the provider's default_tags or
//     default_labels), {} when there are none, and left out when they are
//     known only after apply. A plan yields one for each resource created
//     or updated (replacements included).
//   - terraform-module: {resources: [...]} for one plan or one directory
//     of .tf files, with the same objects; for a plan, every managed
//     resource that exists after apply (no-op ones too, with their
//     actions), so that policies can relate a changed resource to others.
//     Locations maps each address to its file and line.
//   - dockerfile: conftest's shape, a list of {Cmd, SubCmd, JSON, Flags,
//     Value, Stage, Original}: Cmd lower-cased, Stage the 0-based index of
//     the stage, comments as {Cmd: "comment"}.
package input

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/paved-dev/paved/internal/policy"
)

// Error is a problem with one input file: where it is and what was expected.
type Error struct {
	File string
	Line int // 0 when the problem is with the file as a whole
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

func errorf(file string, line int, format string, args ...any) *Error {
	return &Error{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// The file types Read knows.
const (
	typeKubernetes = "kubernetes"
	typeJSON       = "json"
	typeHCL        = "hcl"
	typeDockerfile = "dockerfile"
)

// Read reads one file named name ("-" for stdin) from r and returns its
// Documents. The type is detected from the name (*.tf is HCL; Dockerfile,
// *.Dockerfile and Dockerfile.* are Dockerfiles; *.json and *.yaml are
// Kubernetes manifests or, with format_version and resource_changes, a
// Terraform plan) and, when the name does not tell, from the content.
// A .tf file read alone is a module of that one file; use ReadPath to read
// a directory's .tf files together.
func Read(name string, r io.Reader) ([]policy.Document, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, &Error{File: name, Msg: "cannot read: " + err.Error()}
	}
	return readBytes(name, data)
}

func readBytes(name string, data []byte) ([]policy.Document, error) {
	switch detect(name, data) {
	case typeHCL:
		dir := filepath.Dir(name)
		if name == "-" {
			dir = "-"
		}
		return readHCL(dir, []hclSource{{name: name, data: data}})
	case typeDockerfile:
		return readDockerfile(name, data)
	case typeJSON:
		return readJSON(name, data)
	default:
		return readKubernetes(name, data)
	}
}

// ReadPath reads a file, a directory (recursively) or "-" (stdin). In a
// directory it reads .yaml, .yml and .json files (manifests and plans),
// Dockerfiles, and the .tf files of each directory together as one module.
// It skips other files, directories whose name starts with "." (.git,
// .terraform), Helm charts' Chart.yaml and templates directory, and YAML
// or JSON files that never mention apiVersion or kind (package.json,
// values.yaml); a named file is always read.
func ReadPath(path string) ([]policy.Document, error) {
	if path == "-" {
		return Read("-", os.Stdin)
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, &Error{File: path, Msg: "cannot read: " + pathErr(err)}
	}
	if !info.IsDir() {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, &Error{File: path, Msg: "cannot read: " + pathErr(err)}
		}
		return readBytes(path, data)
	}
	var docs []policy.Document
	modules := map[string][]string{} // directory → its .tf files
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return &Error{File: p, Msg: "cannot read: " + pathErr(err)}
		}
		if d.IsDir() {
			if p != path && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if d.Name() == "templates" && fileExists(filepath.Join(filepath.Dir(p), "Chart.yaml")) {
				return filepath.SkipDir // Helm templates: render them (helm template ... | paved check -)
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if info, err := os.Stat(p); err != nil || !info.Mode().IsRegular() {
				return nil
			}
		} else if !d.Type().IsRegular() {
			return nil
		}
		name := d.Name()
		switch {
		case strings.HasSuffix(name, ".tf"):
			dir := filepath.Dir(p)
			modules[dir] = append(modules[dir], p)
		case name == "Chart.yaml" || name == "Chart.lock":
		case isDockerfileName(name), hasExt(name, ".yaml", ".yml", ".json"):
			data, err := os.ReadFile(p)
			if err != nil {
				return &Error{File: p, Msg: "cannot read: " + pathErr(err)}
			}
			d, err := readBytes(p, data)
			if err != nil {
				if notAManifest(err, data) {
					return nil
				}
				return err
			}
			docs = append(docs, d...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	dirs := make([]string, 0, len(modules))
	for dir := range modules {
		dirs = append(dirs, dir)
	}
	sort.Strings(dirs)
	for _, dir := range dirs {
		d, err := readModuleDir(dir, modules[dir])
		if err != nil {
			return nil, err
		}
		docs = append(docs, d...)
	}
	return docs, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// notAManifest reports a YAML or JSON file met in a directory that is no
// manifest at all (package.json, values.yaml, docker-compose.yml): one
// that is not a Kubernetes object and never mentions apiVersion or kind.
// Such files are skipped; a file with a broken manifest is an error.
func notAManifest(err error, data []byte) bool {
	var ie *Error
	return errors.As(err, &ie) && strings.HasPrefix(ie.Msg, "not a Kubernetes object") &&
		!bytes.Contains(data, []byte("apiVersion")) && !bytes.Contains(data, []byte("kind"))
}

func readModuleDir(dir string, files []string) ([]policy.Document, error) {
	sort.Strings(files)
	srcs := make([]hclSource, 0, len(files))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, &Error{File: f, Msg: "cannot read: " + pathErr(err)}
		}
		srcs = append(srcs, hclSource{name: f, data: data})
	}
	return readHCL(dir, srcs)
}

func pathErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func hasExt(name string, exts ...string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	for _, e := range exts {
		if ext == e {
			return true
		}
	}
	return false
}

// isDockerfileName reports Dockerfile, Containerfile, *.Dockerfile and
// Dockerfile.* (any case).
func isDockerfileName(name string) bool {
	n := strings.ToLower(filepath.Base(name))
	for _, base := range []string{"dockerfile", "containerfile"} {
		if n == base || strings.HasPrefix(n, base+".") || strings.HasSuffix(n, "."+base) {
			return true
		}
	}
	return false
}

// detect returns the file type from the name, else from the content.
func detect(name string, data []byte) string {
	base := filepath.Base(name)
	switch {
	case hasExt(base, ".tf"):
		return typeHCL
	case hasExt(base, ".yaml", ".yml"):
		return typeKubernetes
	case hasExt(base, ".json"):
		return typeJSON
	case isDockerfileName(base):
		return typeDockerfile
	}
	return sniff(data)
}

// sniff guesses the type of nameless content (stdin): JSON starts with
// '{' or '['; a Dockerfile's first instruction is FROM or ARG; HCL has a
// top-level block such as resource "type" "name" {; anything else is YAML.
func sniff(data []byte) string {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		return typeJSON
	}
	for line := range bytes.Lines(data) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' || bytes.HasPrefix(line, []byte("//")) {
			continue
		}
		word, rest, _ := bytes.Cut(line, []byte(" "))
		switch strings.ToLower(string(word)) {
		case "from", "arg":
			if len(bytes.TrimSpace(rest)) > 0 && !bytes.Contains(word, []byte(":")) {
				return typeDockerfile
			}
		case "resource", "data", "variable", "provider", "module", "output", "locals", "terraform":
			if bytes.HasSuffix(line, []byte("{")) {
				return typeHCL
			}
		}
		return typeKubernetes
	}
	return typeKubernetes
}
