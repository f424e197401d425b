// Command paved is the platform control plane: see `paved --help`.
package main

import (
	"os"

	"github.com/paved-dev/paved/internal/cli"
)

func main() {
	os.Exit(cli.Execute(os.Args[1:], os.Stdout, os.Stderr))
}
