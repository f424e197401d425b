// Command gencatalog writes a Backstage catalog of N services to stdout for
// the import benchmark in bench/foundation.sh.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"github.com/paved-dev/paved/internal/catalog/catalogtest"
)

func main() {
	n := flag.Int("n", 5000, "number of services")
	flag.Parse()
	w := bufio.NewWriter(os.Stdout)
	if err := catalogtest.WriteBackstage(w, *n); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	w.Flush()
}
