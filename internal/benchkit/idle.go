// Idle-memory workload: N established, idle connection pairs held in one
// process; the heap and stack growth per pair after GC.
package benchkit

import (
	"crypto/tls"
	"fmt"
	"net"
	"runtime"
	"time"

	pa "github.com/asynkron/protoactor-go/actor"

	"github.com/erlang-ssl-go/ssl"
)

// Idle stacks: who plays client and server in IdleMemory.
const (
	IdleOurs     = "ours"           // our client, our server, both active with an owner actor
	IdleTLS      = "cryptotls"      // crypto/tls both ends, each with a goroutine blocked in Read (16 KiB buffer)
	IdleTLSBare  = "cryptotls-bare" // crypto/tls both ends, no reading goroutine
	IdleOursCli  = "ours-client"    // our client, crypto/tls server (with reader)
	IdleOursServ = "ours-server"    // crypto/tls client (with reader), our server
)

// Idle is IdleMemory's answer: growth per connection pair, in bytes.
type Idle struct {
	Heap  float64 // HeapInuse
	Stack float64 // StackInuse (goroutine stacks)
}

// Total is Heap+Stack.
func (i Idle) Total() float64 { return i.Heap + i.Stack }

// memNow reads the memory statistics after a full collection.
func memNow() runtime.MemStats {
	var ms runtime.MemStats
	for i := 0; i < 3; i++ {
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
	}
	runtime.ReadMemStats(&ms)
	return ms
}

type closer func()

// IdleMemory establishes n idle connection pairs of the given stack and
// returns HeapInuse and StackInuse growth per pair in bytes, measured after GC
// with every pair still open. Afterwards it closes them, waits for every
// connection actor to stop and then for settle more (closed connections
// keep a socket-close backstop timer for a few seconds), so that a later
// measurement in the same process starts clean. In a process that exits
// right after, pass 0.
func IdleMemory(app *ssl.App, c *Cert, stack string, n int, settle time.Duration) (Idle, error) {
	closers := make([]closer, 0, 2*n+4)
	defer func() {
		for _, f := range closers {
			f()
		}
		if settle > 0 {
			for end := time.Now().Add(timeout); app.Live() > 0 && time.Now().Before(end); {
				time.Sleep(10 * time.Millisecond)
			}
			time.Sleep(settle)
		}
	}()

	// Everything shared by the pairs (listener, owner actor, configs) is
	// set up before the baseline.
	sink := app.Root().Spawn(pa.PropsFromFunc(func(pa.Context) {}))
	defer app.Root().Stop(sink)
	sopt := OursServerOptions(c)
	sopt.Owner, sopt.Active = sink, ssl.ActiveTrue
	copt := OursClientOptions(c)
	copt.Owner, copt.Active = sink, ssl.ActiveTrue
	scfg, ccfg := TLSServerConfig(c), TLSClientConfig(c)
	ourServer := stack == IdleOurs || stack == IdleOursServ

	var ols *ssl.ListenSocket
	var tln net.Listener
	var err error
	if ourServer {
		ols, err = app.Listen("127.0.0.1:0", sopt)
	} else {
		tln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		return Idle{}, err
	}
	var addr net.Addr
	if ols != nil {
		defer ols.Close()
		addr = ols.Addr()
	} else {
		defer tln.Close()
		addr = tln.Addr()
	}
	tlsReader := func(s *tls.Conn) {
		if stack == IdleTLSBare {
			return
		}
		go func() {
			buf := make([]byte, ChunkSize)
			for {
				if _, err := s.Read(buf); err != nil {
					return
				}
			}
		}()
	}

	// One pair: accept (server side) concurrently with connect (client side).
	pair := func() error {
		acc := make(chan error, 1)
		go func() {
			if ols != nil {
				p, err := ols.TransportAccept(timeout)
				if err != nil {
					acc <- err
					return
				}
				s, err := app.Handshake(p, nil, timeout)
				if err == nil {
					closers = append(closers, func() { _ = s.Close() })
				}
				acc <- err
				return
			}
			raw, err := tln.Accept()
			if err != nil {
				acc <- err
				return
			}
			s := tls.Server(raw, scfg)
			if err := s.Handshake(); err != nil {
				raw.Close()
				acc <- err
				return
			}
			tlsReader(s)
			closers = append(closers, func() { s.Close() })
			acc <- nil
		}()
		var cerr error
		if stack == IdleOurs || stack == IdleOursCli {
			var s *ssl.Socket
			s, cerr = app.Connect("127.0.0.1", port(addr), copt, timeout)
			if cerr == nil {
				defer func() { closers = append(closers, func() { _ = s.Close() }) }()
			}
		} else {
			raw, err := net.Dial("tcp", addr.String())
			if err != nil {
				cerr = err
			} else {
				s := tls.Client(raw, ccfg)
				if cerr = s.Handshake(); cerr != nil {
					raw.Close()
				} else {
					tlsReader(s)
					defer func() { closers = append(closers, func() { s.Close() }) }()
				}
			}
		}
		aerr := <-acc
		if cerr != nil {
			return cerr
		}
		return aerr
	}

	switch stack {
	case IdleOurs, IdleTLS, IdleTLSBare, IdleOursCli, IdleOursServ:
	default:
		return Idle{}, fmt.Errorf("benchkit: unknown idle stack %q", stack)
	}
	// Warm up pools and code paths so the baseline is not charged to pairs.
	if err := pair(); err != nil {
		return Idle{}, err
	}
	base := memNow()
	for i := 0; i < n; i++ {
		if err := pair(); err != nil {
			return Idle{}, fmt.Errorf("pair %d: %w", i, err)
		}
	}
	time.Sleep(100 * time.Millisecond) // let writers and handshake goroutines finish
	after := memNow()
	return Idle{
		Heap:  (float64(after.HeapInuse) - float64(base.HeapInuse)) / float64(n),
		Stack: (float64(after.StackInuse) - float64(base.StackInuse)) / float64(n),
	}, nil
}

// IdleSettle is how long IdleMemory waits after closing, before the next
// measurement in the same process: longer than the connections' close
// backstop (closeGrace + 1s in connection).
const IdleSettle = 7 * time.Second
