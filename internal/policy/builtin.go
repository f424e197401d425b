package policy

import (
	"embed"
	"io/fs"
)

// builtinFS holds the built-in policy pack, its Rego library and its Rego
// unit tests (files ending in _test.rego).
//
//go:embed builtin
var builtinFS embed.FS

// Builtin returns the built-in pack as a file system rooted at its
// directory, for `paved policy test` and the engine.
func Builtin() fs.FS {
	sub, err := fs.Sub(builtinFS, "builtin")
	if err != nil {
		panic(err) // the embed directive guarantees the directory
	}
	return sub
}
