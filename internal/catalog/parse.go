package catalog

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/paved-dev/paved/internal/yamlfile"
	"go.yaml.in/yaml/v3"
)

// pavedFile is paved's own catalog format:
//
//	environments: [{name: prod, production: true}]
//	teams:        [{name: payments, display_name: Payments, contact: {chat: "#payments"}}]
//	services:     [{name: checkout, team: payments, namespaces: [{name: checkout-prod, environment: prod}]}]
type pavedFile struct {
	Environments []Environment `yaml:"environments"`
	Teams        []Team        `yaml:"teams"`
	Services     []Service     `yaml:"services"`
}

// ReadFiles reads catalog files and directories (recursively, *.yaml and
// *.yml) in Backstage catalog-info or paved format, which may be mixed,
// also within one multi-document file. Every problem in every file is
// reported; the Document is only usable when the error is nil.
func ReadFiles(paths []string) (Document, error) {
	var doc Document
	var errs yamlfile.Errors
	for _, p := range paths {
		files, err := expand(p)
		if err != nil {
			errs = append(errs, yamlfile.Error{File: p, Msg: err.Error()})
			continue
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				errs = append(errs, yamlfile.Error{File: f, Msg: err.Error()})
				continue
			}
			d, err := Parse(f, data)
			if err != nil {
				if es, ok := err.(yamlfile.Errors); ok {
					errs = append(errs, es...)
				} else {
					errs = append(errs, yamlfile.Error{File: f, Msg: err.Error()})
				}
				continue
			}
			doc.Merge(d)
		}
	}
	return doc, errs.Err()
}

func expand(p string) ([]string, error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", unwrapPathError(err))
	}
	if !info.IsDir() {
		return []string{p}, nil
	}
	var files []string
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != p {
			return filepath.SkipDir
		}
		if ext := filepath.Ext(path); !d.IsDir() && (ext == ".yaml" || ext == ".yml") {
			files = append(files, path)
		}
		return nil
	})
	sort.Strings(files)
	if err == nil && len(files) == 0 {
		err = fmt.Errorf("directory holds no .yaml or .yml files")
	}
	return files, err
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// Parse reads one file's documents. Documents with a backstage.io
// apiVersion are Backstage entities; documents with teams, services or
// environments keys are paved catalogs.
func Parse(file string, data []byte) (Document, error) {
	var doc Document
	nodes, err := yamlfile.Documents(file, data)
	if err != nil {
		return doc, yamlfile.Errors{err.(yamlfile.Error)}
	}
	var errs yamlfile.Errors
	multi := len(nodes) > 1
	for i, n := range nodes {
		docIdx := 0
		if multi {
			docIdx = i + 1
		}
		root := n
		if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
			root = root.Content[0]
		}
		if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
			continue // an empty document, e.g. a trailing ---
		}
		at := Origin{File: file, Doc: docIdx, Line: root.Line}
		switch {
		case root.Kind != yaml.MappingNode:
			errs = append(errs, yamlfile.Error{File: file, Line: root.Line, Doc: docIdx, Msg: "expected a mapping (a Backstage entity or a paved catalog with teams/services/environments)"})
		case strings.HasPrefix(scalar(root, "apiVersion"), "backstage.io/"):
			if err := parseBackstage(&doc, root, at); err != nil {
				errs = append(errs, *err)
			}
		case yamlfile.Locate(root, "teams") != nil || yamlfile.Locate(root, "services") != nil || yamlfile.Locate(root, "environments") != nil:
			var pf pavedFile
			if es := yamlfile.Decode(file, docIdx, root, &pf); len(es) > 0 {
				errs = append(errs, es...)
				continue
			}
			for j, e := range pf.Environments {
				doc.AddEnvironment(e, Origin{file, docIdx, yamlfile.Line(root, fmt.Sprintf("environments[%d]", j))})
			}
			for j, t := range pf.Teams {
				doc.AddTeam(t, Origin{file, docIdx, yamlfile.Line(root, fmt.Sprintf("teams[%d]", j))})
			}
			for j, s := range pf.Services {
				doc.AddService(s, Origin{file, docIdx, yamlfile.Line(root, fmt.Sprintf("services[%d]", j))})
			}
		default:
			msg := "not a catalog document: expected a Backstage entity (apiVersion: backstage.io/v1alpha1) or a paved catalog (teams, services, environments)"
			if av := scalar(root, "apiVersion"); av != "" {
				msg = fmt.Sprintf("apiVersion %q is not a Backstage entity; expected backstage.io/v1alpha1 or a paved catalog (teams, services, environments)", av)
			}
			errs = append(errs, yamlfile.Error{File: file, Line: at.Line, Doc: docIdx, Msg: msg})
		}
	}
	return doc, errs.Err()
}

// scalar returns the string value of key in a mapping node, or "".
func scalar(m *yaml.Node, key string) string {
	if n := yamlfile.Locate(m, key); n != nil && n.Kind == yaml.ScalarNode {
		return n.Value
	}
	return ""
}
