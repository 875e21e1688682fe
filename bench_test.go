// Benchmarks side by side with Go's crypto/tls on loopback: full
// handshakes, bulk transfer to an owner actor, idle memory per connection.
// The workloads live in internal/benchkit (shared with `ssl bench`).
package ssl_test

import (
	"flag"
	"sync"
	"testing"

	"github.com/erlang-ssl-go/ssl"
	"github.com/erlang-ssl-go/ssl/internal/benchkit"
)

var idleConns = flag.Int("idleconns", 1000, "connection pairs held open by BenchmarkIdleMemory")

var (
	certOnce sync.Once
	certs    map[string]*benchkit.Cert
	certErr  error
)

func benchCert(b *testing.B, kind string) *benchkit.Cert {
	b.Helper()
	certOnce.Do(func() {
		certs = map[string]*benchkit.Cert{}
		for _, k := range []string{"ecdsa", "rsa"} {
			c, err := benchkit.NewCert(k)
			if err != nil {
				certErr = err
				return
			}
			certs[k] = c
		}
	})
	if certErr != nil {
		b.Fatal(certErr)
	}
	return certs[kind]
}

func benchApp(b *testing.B) *ssl.App {
	b.Helper()
	app, err := ssl.Start()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(app.Stop)
	return app
}

// BenchmarkHandshake: one op is one full TLS 1.2 handshake (dial,
// handshake both ends, close), sequential from one goroutine and with 2.
func BenchmarkHandshake(b *testing.B) {
	for _, stack := range []string{"ours", "cryptotls"} {
		b.Run(stack, func(b *testing.B) {
			for _, kind := range []string{"ecdsa", "rsa"} {
				for _, workers := range []int{1, 2} {
					name := kind
					if workers > 1 {
						name += "/parallel2"
					}
					b.Run(name, func(b *testing.B) {
						c := benchCert(b, kind)
						var h benchkit.Handshaker
						var err error
						if stack == "ours" {
							h, err = benchkit.NewOursHandshaker(benchApp(b), c)
						} else {
							h, err = benchkit.NewTLSHandshaker(c)
						}
						if err != nil {
							b.Fatal(err)
						}
						defer h.Close()
						if err := h.Handshake(); err != nil { // warm-up
							b.Fatal(err)
						}
						b.ReportAllocs()
						b.ResetTimer()
						if err := benchkit.RunHandshakes(h, b.N, workers); err != nil {
							b.Fatal(err)
						}
						b.StopTimer()
						b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hs/s")
					})
				}
			}
		})
	}
}

// BenchmarkBulk: one op is one 16 KiB write (AES-128-GCM) counted by the
// receiver: our owner actor in active mode, or crypto/tls's reading goroutine
// (cryptotls-owned: a fresh slice per read handed over a channel, the shape
// of our delivery, for context).
func BenchmarkBulk(b *testing.B) {
	for _, stack := range []string{"ours", "cryptotls", "cryptotls-owned"} {
		b.Run(stack, func(b *testing.B) {
			c := benchCert(b, "ecdsa")
			var bk benchkit.Bulk
			var err error
			switch stack {
			case "ours":
				bk, err = benchkit.NewOursBulk(benchApp(b), c)
			case "cryptotls":
				bk, err = benchkit.NewTLSBulk(c)
			default:
				bk, err = benchkit.NewTLSBulkOwned(c)
			}
			if err != nil {
				b.Fatal(err)
			}
			defer bk.Close()
			if err := bk.Send(16); err != nil { // warm-up
				b.Fatal(err)
			}
			b.SetBytes(benchkit.ChunkSize)
			b.ReportAllocs()
			b.ResetTimer()
			if err := bk.Send(b.N); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkIdleMemory reports HeapInuse+StackInuse growth per idle,
// established connection pair (both ends in this process) as KiB/pair.
func BenchmarkIdleMemory(b *testing.B) {
	stacks := []string{benchkit.IdleOurs, benchkit.IdleTLS, benchkit.IdleTLSBare, benchkit.IdleOursCli, benchkit.IdleOursServ}
	for _, stack := range stacks {
		b.Run(stack, func(b *testing.B) {
			// One run takes seconds, so b.N stays 1; the pair count is
			// -idleconns, not b.N.
			per, err := benchkit.IdleMemory(benchApp(b), benchCert(b, "ecdsa"), stack, *idleConns, benchkit.IdleSettle)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(per.Total()/1024, "KiB/pair")
			b.ReportMetric(per.Heap/1024, "heap-KiB/pair")
			b.ReportMetric(per.Stack/1024, "stack-KiB/pair")
		})
	}
}
