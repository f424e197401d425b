// Command genfocus writes a generated FOCUS 1.0 CSV (focus.Generate) for
// bench/cost.sh: realistic providers, accounts, services and tag sets.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"github.com/paved-dev/paved/internal/cost/focus"
)

func main() {
	rows := flag.Int("rows", 1000000, "billing rows")
	out := flag.String("out", "focus.csv", "output file")
	seed := flag.Int64("seed", 1, "random seed")
	catalog := flag.String("catalog", "", "also write the catalog of the generated teams and services here")
	flag.Parse()
	if *catalog != "" {
		if err := writeCatalog(*catalog); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := focus.Generate(w, *rows, *seed); err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Close()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func writeCatalog(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := focus.GenerateCatalog(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
