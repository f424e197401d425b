package input

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/paved-dev/paved/internal/policy"
)

// readDockerfile parses a Dockerfile with BuildKit's parser (what `docker
// build` uses) into conftest's shape, so conftest Dockerfile policies run
// unchanged: a list of instructions {Cmd, SubCmd, JSON, Flags, Value,
// Stage, Original, Line}, Cmd lower-cased, Stage the 0-based index of the
// FROM the instruction follows, Line the instruction's first line (for a
// result's "line"). Comments before an instruction come first as {Cmd:
// "comment", Value: [text]}, as in conftest, with the line of the
// instruction they precede.
func readDockerfile(file string, data []byte) (docs []policy.Document, err error) {
	defer func() {
		if r := recover(); r != nil { // the parser must never take paved down
			docs, err = nil, errorf(file, 0, "invalid Dockerfile: %v", r)
		}
	}()
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		line := 0
		var le *parser.LocationError
		if errors.As(err, &le) && len(le.Locations) > 0 && len(le.Locations[0]) > 0 {
			line = le.Locations[0][0].Start.Line
		}
		msg := err.Error()
		if msg == "file with no instructions" {
			msg = "no instructions: expected FROM image and the instructions that build on it"
		}
		return nil, errorf(file, line, "invalid Dockerfile: %s", msg)
	}
	var cmds []any
	stage := -1
	for _, child := range res.AST.Children {
		cmd := strings.ToLower(child.Value)
		if cmd == "from" {
			stage++
		}
		s := json.Number(strconv.Itoa(max(stage, 0)))
		line := json.Number(strconv.Itoa(child.StartLine))
		for _, c := range child.PrevComment {
			cmds = append(cmds, map[string]any{
				"Cmd": "comment", "SubCmd": "", "JSON": false, "Flags": []any{},
				"Value": []any{c}, "Stage": s, "Original": "# " + c, "Line": line,
			})
		}
		node := child
		sub := ""
		if child.Next != nil && len(child.Next.Children) > 0 { // ONBUILD RUN ...
			node = child.Next.Children[0]
			sub = node.Value // as written, as conftest does
		}
		value := []any{}
		for n := node.Next; n != nil; n = n.Next {
			value = append(value, n.Value)
		}
		flags := make([]any, len(child.Flags))
		for i, f := range child.Flags {
			flags[i] = f
		}
		cmds = append(cmds, map[string]any{
			"Cmd":      cmd,
			"SubCmd":   sub,
			"JSON":     node.Attributes["json"],
			"Flags":    flags,
			"Value":    value,
			"Stage":    s,
			"Original": child.Original,
			"Line":     line,
		})
	}
	return []policy.Document{{
		Kind:     policy.KindDockerfile,
		File:     file,
		Line:     1,
		Resource: policy.Resource{Kind: "Dockerfile", Name: file},
		Input:    cmds,
	}}, nil
}
