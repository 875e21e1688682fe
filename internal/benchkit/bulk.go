// Bulk-transfer workloads: one connection, 16 KiB writes, counted by an
// owner actor in active mode (ours) or a reading goroutine (crypto/tls).
package benchkit

import (
	"crypto/tls"
	"net"
	"sync/atomic"
	"time"

	pa "github.com/asynkron/protoactor-go/actor"

	"github.com/erlang-ssl-go/ssl"
)

// Bulk sends chunks over one established connection.
type Bulk interface {
	// Send writes n chunks of ChunkSize bytes and returns once the
	// receiving side has taken all of them.
	Send(n int) error
	Close()
}

// counter is the receiving side's byte count and a wake-up for the waiter.
type counter struct {
	got  atomic.Int64
	want atomic.Int64
	wake chan struct{}
	sent int64
}

func newCounter() *counter { return &counter{wake: make(chan struct{}, 1)} }

func (c *counter) add(n int) {
	if c.got.Add(int64(n)) >= c.want.Load() {
		select {
		case c.wake <- struct{}{}:
		default:
		}
	}
}

// wait blocks until the receiver has counted everything sent so far.
func (c *counter) wait(fail func() error) error {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for c.got.Load() < c.sent {
		select {
		case <-c.wake:
		case <-t.C:
			return errTimeout
		}
		if err := fail(); err != nil {
			return err
		}
	}
	return nil
}

// OursBulk is our client sending to our server, whose owner actor counts
// the bytes delivered in {active, true} mode.
type OursBulk struct {
	client *ssl.Socket
	server *ssl.Socket
	ls     *ssl.ListenSocket
	owner  *pa.PID
	app    *ssl.App
	cnt    *counter
	errs   *firstErr
	chunk  []byte
}

// NewOursBulk sets up one connection with cert's AES-128-GCM suite.
func NewOursBulk(app *ssl.App, c *Cert) (*OursBulk, error) {
	b := &OursBulk{app: app, cnt: newCounter(), errs: newFirstErr(), chunk: make([]byte, ChunkSize)}
	cnt, errs := b.cnt, b.errs
	b.owner = app.Root().Spawn(pa.PropsFromFunc(func(ctx pa.Context) {
		switch m := ctx.Message().(type) {
		case *ssl.Data:
			cnt.add(len(m.Bytes))
			m.Release() // done with the bytes: recycle the record buffer
		case *ssl.Error:
			errs.set(m.Reason)
			cnt.add(0)
		}
	}))
	opts := OursServerOptions(c)
	opts.Owner = b.owner
	opts.Active = ssl.ActiveTrue
	ls, err := app.Listen("127.0.0.1:0", opts)
	if err != nil {
		return nil, err
	}
	b.ls = ls
	acc := make(chan error, 1)
	go func() {
		p, err := ls.TransportAccept(timeout)
		if err == nil {
			b.server, err = app.Handshake(p, nil, timeout)
		}
		acc <- err
	}()
	b.client, err = app.Connect("127.0.0.1", port(ls.Addr()), OursClientOptions(c), timeout)
	if err != nil {
		b.Close()
		return nil, err
	}
	if err := <-acc; err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

// Send writes n chunks and waits until the owner actor has counted them.
func (b *OursBulk) Send(n int) error {
	b.cnt.sent += int64(n) * ChunkSize
	b.cnt.want.Store(b.cnt.sent)
	for i := 0; i < n; i++ {
		if err := b.client.Send(b.chunk); err != nil {
			return err
		}
	}
	return b.cnt.wait(b.errs.get)
}

// Close closes both ends, the listener and the owner actor.
func (b *OursBulk) Close() {
	if b.client != nil {
		_ = b.client.Close()
	}
	if b.server != nil {
		_ = b.server.Close()
	}
	if b.ls != nil {
		b.ls.Close()
	}
	b.app.Root().Stop(b.owner)
}

// TLSBulk is a crypto/tls client sending to a crypto/tls server whose
// reading goroutine counts the bytes read into a 16 KiB buffer.
type TLSBulk struct {
	client *tls.Conn
	server *tls.Conn
	cnt    *counter
	errs   *firstErr
	chunk  []byte
}

// NewTLSBulk sets up one connection with cert's AES-128-GCM suite.
func NewTLSBulk(c *Cert) (*TLSBulk, error) { return newTLSBulk(c, false) }

// NewTLSBulkOwned is NewTLSBulk with delivery shaped like ours: the reading
// goroutine reads into a fresh 16 KiB slice each time and hands it over a
// channel to another goroutine that counts it (the receiver owns the bytes,
// as an owner actor owns Data.Bytes). For context, not a target.
func NewTLSBulkOwned(c *Cert) (*TLSBulk, error) { return newTLSBulk(c, true) }

func newTLSBulk(c *Cert, owned bool) (*TLSBulk, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer ln.Close()
	b := &TLSBulk{cnt: newCounter(), errs: newFirstErr(), chunk: make([]byte, ChunkSize)}
	acc := make(chan error, 1)
	go func() {
		raw, err := ln.Accept()
		if err == nil {
			b.server = tls.Server(raw, TLSServerConfig(c))
			err = b.server.Handshake()
		}
		acc <- err
	}()
	raw, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return nil, err
	}
	b.client = tls.Client(raw, TLSClientConfig(c))
	if err := b.client.Handshake(); err != nil {
		raw.Close()
		return nil, err
	}
	if err := <-acc; err != nil {
		b.client.Close()
		return nil, err
	}
	if owned {
		ch := make(chan []byte, 64)
		go func() {
			for p := range ch {
				b.cnt.add(len(p))
			}
		}()
		go func() {
			defer close(ch)
			for {
				buf := make([]byte, ChunkSize)
				n, err := b.server.Read(buf)
				if n > 0 {
					ch <- buf[:n]
				}
				if err != nil {
					return
				}
			}
		}()
		return b, nil
	}
	go func() {
		buf := make([]byte, ChunkSize)
		for {
			n, err := b.server.Read(buf)
			b.cnt.add(n)
			if err != nil {
				return
			}
		}
	}()
	return b, nil
}

// Send writes n chunks and waits until the reading goroutine has them.
func (b *TLSBulk) Send(n int) error {
	b.cnt.sent += int64(n) * ChunkSize
	b.cnt.want.Store(b.cnt.sent)
	for i := 0; i < n; i++ {
		if _, err := b.client.Write(b.chunk); err != nil {
			return err
		}
	}
	return b.cnt.wait(b.errs.get)
}

// Close closes both ends.
func (b *TLSBulk) Close() {
	b.client.Close()
	b.server.Close()
}

// BulkFor sends for about d and returns MB/s (10^6 bytes per second).
func BulkFor(b Bulk, d time.Duration) (float64, error) {
	if err := b.Send(64); err != nil { // warm-up: buffers, pools, TCP window
		return 0, err
	}
	const batch = 64
	start := time.Now()
	total := 0
	for time.Since(start) < d {
		if err := b.Send(batch); err != nil {
			return 0, err
		}
		total += batch
	}
	el := time.Since(start)
	return float64(total) * ChunkSize / el.Seconds() / 1e6, nil
}
