// Dependency rules of DESIGN.md, checked with `go list -deps`: record
// imports no project package; handshake only record; statem only the
// stdlib; actor no TLS package; only test/, cmd/ and internal/benchkit import crypto/tls;
// only the root package, cmd/ and test/ import connection.
package test

import (
	"encoding/json"
	"io"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const depsModule = "github.com/erlang-ssl-go/ssl"

// depsPkg is the part of `go list -json` we read.
type depsPkg struct {
	ImportPath string
	Standard   bool
	Imports    []string
	Deps       []string
	Module     *struct{ Path string }
}

// depsList runs `go list -deps -json` over the module (tests excluded, so
// test/ itself does not count) and returns the packages by import path.
func depsList(t *testing.T) map[string]*depsPkg {
	t.Helper()
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	cmd := exec.Command(goBin, "list", "-deps", "-json", "./...")
	cmd.Dir = ".."
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]*depsPkg{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p depsPkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("decoding go list output: %v", err)
		}
		pkgs[p.ImportPath] = &p
	}
	return pkgs
}

// depsOwn reports whether path is a package of this module.
func depsOwn(path string) bool {
	return path == depsModule || strings.HasPrefix(path, depsModule+"/")
}

// depsRel is path relative to the module ("" for the root).
func depsRel(path string) string {
	return strings.TrimPrefix(strings.TrimPrefix(path, depsModule), "/")
}

func TestDepsLayering(t *testing.T) {
	pkgs := depsList(t)
	for _, want := range []string{"", "record", "handshake", "statem", "actor", "connection"} {
		p := depsModule
		if want != "" {
			p += "/" + want
		}
		if pkgs[p] == nil {
			t.Fatalf("go list did not report %s", p)
		}
	}
	for path, p := range pkgs {
		if !depsOwn(path) {
			continue
		}
		rel := depsRel(path)
		top := strings.SplitN(rel, "/", 2)[0]
		for _, dep := range p.Deps {
			drel := depsRel(dep)
			own := depsOwn(dep)
			switch top {
			case "record":
				if own {
					t.Errorf("%s depends on %s: record imports no project package", rel, drel)
				}
			case "handshake":
				if own && drel != "record" {
					t.Errorf("%s depends on %s: handshake imports only record", rel, drel)
				}
			case "statem":
				if d := pkgs[dep]; d != nil && !d.Standard {
					t.Errorf("%s depends on %s: statem imports only the stdlib", rel, dep)
				}
			case "actor":
				if own && drel != "statem" {
					t.Errorf("%s depends on %s: actor knows nothing of TLS", rel, drel)
				}
			}
		}
		// Direct imports: crypto/tls comes in transitively through
		// protoactor (net/http), which is not ours to police, but no package
		// of ours may import it.
		for _, imp := range p.Imports {
			// crypto/tls is a peer in tests and in the side-by-side
			// benchmarks (cmd/ssl bench and its internal/benchkit), never
			// part of the library.
			if imp == "crypto/tls" && top != "test" && top != "cmd" && rel != "internal/benchkit" {
				t.Errorf("%s imports crypto/tls: only tests and benchmarks may", pathOrRoot(rel))
			}
			if imp == depsModule+"/connection" && rel != "" && top != "cmd" && top != "test" {
				t.Errorf("%s imports connection: only the root package, cmd/ and test/ may", rel)
			}
		}
	}
}

func pathOrRoot(rel string) string {
	if rel == "" {
		return "the root package"
	}
	return rel
}

// The checker itself must see a known edge, or it checks nothing.
func TestDepsCheckerSeesEdges(t *testing.T) {
	pkgs := depsList(t)
	conn := pkgs[depsModule+"/connection"]
	if conn == nil {
		t.Fatal("no connection package")
	}
	seen := map[string]bool{}
	for _, d := range conn.Deps {
		seen[d] = true
	}
	for _, want := range []string{depsModule + "/record", depsModule + "/handshake", depsModule + "/statem", depsModule + "/actor"} {
		if !seen[want] {
			t.Errorf("connection's deps miss %s", want)
		}
	}
	for _, imp := range conn.Imports {
		if imp == "crypto/tls" {
			t.Errorf("connection imports crypto/tls")
		}
	}
}
