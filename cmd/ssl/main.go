// Command ssl: the demo, an echo server, a client, and the suite/version
// listings (and bench), all on the project's own TLS stack.
package main

import (
	"fmt"
	"os"
)

const usage = `usage: ssl <command> [flags]

commands:
  demo       server, client and owner actors in one process
  server     TLS echo server (-addr HOST:PORT, -certfile, -keyfile, -cacertfile, -verify, ...)
  client     TLS client: stdin to the server, the server's bytes to stdout (-connect HOST:PORT ...)
  ciphers    list cipher suites [erlang|openssl|all]
  versions   list protocol versions
  bench      handshake and bulk benchmarks side by side with crypto/tls
  x509       x509 limbo FILE: run an x509-limbo file through our path validator
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	args := os.Args[2:]
	switch os.Args[1] {
	case "demo":
		err = runDemo(args)
	case "server":
		err = runServer(args)
	case "client":
		err = runClient(args)
	case "ciphers":
		err = runCiphers(args)
	case "versions":
		err = runVersions(args)
	case "bench":
		err = runBench(args)
	case "x509":
		err = runX509(args)
	case "-h", "--help", "help":
		fmt.Print(usage)
		return
	default:
		fmt.Fprintf(os.Stderr, "ssl: unknown command %q\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ssl:", err)
		os.Exit(1)
	}
}
