// Command yamlparse is the performance baseline: a single-threaded
// go.yaml.in/yaml/v3 node parse of every .yaml file under the given
// directories, doing nothing else.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

func main() {
	docs := 0
	for _, root := range os.Args[1:] {
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			dec := yaml.NewDecoder(bytes.NewReader(data))
			for {
				var n yaml.Node
				if err := dec.Decode(&n); errors.Is(err, io.EOF) {
					break
				} else if err != nil {
					return fmt.Errorf("%s: %w", path, err)
				}
				docs++
			}
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, "yamlparse:", err)
			os.Exit(1)
		}
	}
	fmt.Println(docs, "documents")
}
