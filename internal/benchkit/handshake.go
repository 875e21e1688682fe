// Full-handshake workloads: a loopback server plus a client that dials,
// completes a full TLS 1.2 handshake and closes, for ours and crypto/tls.
package benchkit

import (
	"crypto/tls"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/erlang-ssl-go/ssl"
)

// Handshaker runs one full handshake per call to Handshake; it is safe for
// concurrent use (the server handles each connection in its own goroutine).
type Handshaker interface {
	Handshake() error
	Close()
}

// OursHandshaker is our client against our server.
type OursHandshaker struct {
	app  *ssl.App
	ls   *ssl.ListenSocket
	copt ssl.Options
	port int
	errs *firstErr
	wg   sync.WaitGroup
}

// NewOursHandshaker starts our server for cert on 127.0.0.1.
func NewOursHandshaker(app *ssl.App, c *Cert) (*OursHandshaker, error) {
	ls, err := app.Listen("127.0.0.1:0", OursServerOptions(c))
	if err != nil {
		return nil, err
	}
	h := &OursHandshaker{app: app, ls: ls, copt: OursClientOptions(c), port: port(ls.Addr()), errs: newFirstErr()}
	h.wg.Add(1)
	go h.serve()
	return h, nil
}

func (h *OursHandshaker) serve() {
	defer h.wg.Done()
	for {
		p, err := h.ls.TransportAccept(0)
		if err != nil {
			return
		}
		h.wg.Add(1)
		go func() {
			defer h.wg.Done()
			s, err := h.app.Handshake(p, nil, timeout)
			if err != nil {
				h.errs.set(err)
				return
			}
			_ = s.Close()
		}()
	}
}

// Handshake dials, handshakes and closes once.
func (h *OursHandshaker) Handshake() error {
	if err := h.errs.get(); err != nil {
		return err
	}
	s, err := h.app.Connect("127.0.0.1", h.port, h.copt, timeout)
	if err != nil {
		return err
	}
	return s.Close()
}

// Close stops the server and waits for its goroutines.
func (h *OursHandshaker) Close() {
	h.ls.Close()
	h.wg.Wait()
}

// TLSHandshaker is a crypto/tls client against a crypto/tls server.
type TLSHandshaker struct {
	ln   net.Listener
	ccfg *tls.Config
	addr string
	errs *firstErr
	wg   sync.WaitGroup
}

// NewTLSHandshaker starts a crypto/tls server for cert on 127.0.0.1.
func NewTLSHandshaker(c *Cert) (*TLSHandshaker, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	h := &TLSHandshaker{ln: ln, ccfg: TLSClientConfig(c), addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port(ln.Addr()))), errs: newFirstErr()}
	scfg := TLSServerConfig(c)
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		for {
			raw, err := ln.Accept()
			if err != nil {
				return
			}
			h.wg.Add(1)
			go func() {
				defer h.wg.Done()
				s := tls.Server(raw, scfg)
				_ = s.SetDeadline(time.Now().Add(timeout))
				if err := s.Handshake(); err != nil {
					h.errs.set(err)
				}
				_ = s.Close()
			}()
		}
	}()
	return h, nil
}

// Handshake dials, handshakes and closes once.
func (h *TLSHandshaker) Handshake() error {
	if err := h.errs.get(); err != nil {
		return err
	}
	d := net.Dialer{Timeout: timeout}
	raw, err := d.Dial("tcp", h.addr)
	if err != nil {
		return err
	}
	s := tls.Client(raw, h.ccfg)
	_ = s.SetDeadline(time.Now().Add(timeout))
	if err := s.Handshake(); err != nil {
		raw.Close()
		return err
	}
	return s.Close()
}

// Close stops the server and waits for its goroutines.
func (h *TLSHandshaker) Close() {
	h.ln.Close()
	h.wg.Wait()
}

// RunHandshakes performs n handshakes split over workers goroutines and
// returns the first error.
func RunHandshakes(h Handshaker, n, workers int) error {
	if workers < 1 {
		workers = 1
	}
	if workers == 1 {
		for i := 0; i < n; i++ {
			if err := h.Handshake(); err != nil {
				return err
			}
		}
		return nil
	}
	errs := newFirstErr()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		share := n / workers
		if w < n%workers {
			share++
		}
		wg.Add(1)
		go func(share int) {
			defer wg.Done()
			for i := 0; i < share; i++ {
				if err := h.Handshake(); err != nil {
					errs.set(err)
					return
				}
			}
		}(share)
	}
	wg.Wait()
	return errs.get()
}

// HandshakesFor runs handshakes with workers goroutines for about d and
// returns handshakes per second.
func HandshakesFor(h Handshaker, d time.Duration, workers int) (float64, error) {
	if workers < 1 {
		workers = 1
	}
	errs := newFirstErr()
	var mu sync.Mutex
	total := 0
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 0
			for time.Now().Before(deadline) {
				if err := h.Handshake(); err != nil {
					errs.set(err)
					break
				}
				n++
			}
			mu.Lock()
			total += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	el := time.Since(start)
	if err := errs.get(); err != nil {
		return 0, err
	}
	return float64(total) / el.Seconds(), nil
}
