// Socket: the user's handle on a connection actor, and the calls it makes.
package connection

import (
	"errors"
	"net"
	"sync/atomic"
	"time"

	pa "github.com/asynkron/protoactor-go/actor"

	"github.com/erlang-ssl-go/ssl/actor"
	"github.com/erlang-ssl-go/ssl/handshake"
	"github.com/erlang-ssl-go/ssl/record"
)

// Errors callers branch on.
var (
	ErrClosed       = errors.New("closed")                            // {error, closed}
	ErrTimeout      = errors.New("timeout")                           // {error, timeout}
	ErrNotOwner     = errors.New("not_owner")                         // {error, not_owner}
	ErrAlready      = errors.New("ealready")                          // a Recv is already pending
	ErrNotPassive   = errors.New("einval: socket is in active mode")  // Recv in active mode
	ErrNotConnected = errors.New("enotconn: handshake not completed") // calls before the handshake
	ErrBadHow       = errors.New("einval: shutdown how must be read, write or read_write")
)

// Socket is the manual's sslsocket(): an opaque handle on one connection.
// It is safe for concurrent use. Sends go straight to the socket's writer;
// every other call is a request to the connection actor.
type Socket struct {
	ref    *actor.Ref
	writer *actor.Writer
	out    *sender
	local  net.Addr
	remote net.Addr
	// final holds the error that ended the connection, for calls made after
	// the actor is gone.
	final atomic.Pointer[error]
}

func (s *Socket) setFinal(err error) {
	if err == nil {
		err = ErrClosed
	}
	s.final.CompareAndSwap(nil, &err)
}

func (s *Socket) finalErr() error {
	if p := s.final.Load(); p != nil {
		return *p
	}
	return ErrClosed
}

func (s *Socket) call(req any, timeout time.Duration) (any, error) {
	v, err := s.ref.Call(req, timeout)
	if err != nil {
		if errors.Is(err, actor.ErrNoProc) {
			return nil, s.finalErr()
		}
		if errors.Is(err, actor.ErrTimeout) {
			return nil, ErrTimeout
		}
		return nil, err
	}
	if e, ok := v.(error); ok {
		return nil, e
	}
	return v, nil
}

// Send writes data to the peer (ssl:send/2). It blocks until the data is
// handed to the transport.
func (s *Socket) Send(data []byte) error {
	return s.out.send(s.writer, data)
}

// Recv reads in passive mode (ssl:recv/3). Length 0 returns what is
// available; otherwise exactly length bytes. Timeout 0 means infinity.
func (s *Socket) Recv(length int, timeout time.Duration) ([]byte, error) {
	if length < 0 {
		return nil, errors.New("einval: recv length must be >= 0")
	}
	v, err := s.call(&recvReq{length: length, timeout: timeout}, 0)
	if err != nil {
		return nil, err
	}
	return v.([]byte), nil
}

// Close sends close_notify and closes the connection (ssl:close/1).
func (s *Socket) Close() error {
	_, err := s.call(&closeReq{}, 5*time.Second)
	if err == ErrClosed {
		return nil
	}
	return err
}

// ShutdownHow is read | write | read_write.
type ShutdownHow int

// Shutdown directions.
const (
	ShutdownRead ShutdownHow = iota
	ShutdownWrite
	ShutdownReadWrite
)

// Shutdown closes one or both directions (ssl:shutdown/2). Shutting the
// write side sends close_notify and half-closes the transport.
func (s *Socket) Shutdown(how ShutdownHow) error {
	if how < ShutdownRead || how > ShutdownReadWrite {
		return ErrBadHow
	}
	_, err := s.call(&shutdownReq{how: how}, 5*time.Second)
	return err
}

// SockOption is one socket option for Setopts.
type SockOption struct {
	Name  string
	Apply func(*SockOpts) error
}

// Setopts changes socket options (ssl:setopts/2).
func (s *Socket) Setopts(opts ...SockOption) error {
	_, err := s.call(&setoptsReq{opts: opts}, 0)
	return err
}

// Getopts returns the current socket options (ssl:getopts/2).
func (s *Socket) Getopts() (SockOpts, error) {
	v, err := s.call(&getoptsReq{}, 0)
	if err != nil {
		return SockOpts{}, err
	}
	return v.(SockOpts), nil
}

// ControllingProcess hands the socket to newOwner (ssl:controlling_process/2).
// caller must be the current owner (nil when the socket has none), as only
// the owner may transfer it; others get ErrNotOwner.
func (s *Socket) ControllingProcess(caller, newOwner *pa.PID) error {
	_, err := s.call(&controllingReq{caller: caller, owner: newOwner}, 0)
	return err
}

// Peername returns the peer's address (ssl:peername/1).
func (s *Socket) Peername() (net.Addr, error) { return s.remote, nil }

// Sockname returns the local address (ssl:sockname/1).
func (s *Socket) Sockname() (net.Addr, error) { return s.local, nil }

// Peercert returns the peer's certificate, DER encoded (ssl:peercert/1).
func (s *Socket) Peercert() ([]byte, error) {
	v, err := s.call(&peercertReq{}, 0)
	if err != nil {
		return nil, err
	}
	return v.([]byte), nil
}

// Info is connection_information/1's answer.
type Info struct {
	Protocol    record.Version
	CipherSuite *handshake.Suite
	SNIHostname string
}

// ConnectionInformation returns protocol, suite and SNI host name.
func (s *Socket) ConnectionInformation() (Info, error) {
	v, err := s.call(&infoReq{}, 0)
	if err != nil {
		return Info{}, err
	}
	return v.(Info), nil
}

// PID is the connection actor's PID (for supervision and tracing).
func (s *Socket) PID() *pa.PID { return s.ref.PID() }

// Done is closed once the connection actor has stopped.
func (s *Socket) Done() <-chan struct{} { return s.ref.Done() }

// Calls the socket makes to its actor.
type (
	recvReq struct {
		length  int
		timeout time.Duration
	}
	closeReq       struct{}
	shutdownReq    struct{ how ShutdownHow }
	setoptsReq     struct{ opts []SockOption }
	getoptsReq     struct{}
	controllingReq struct{ caller, owner *pa.PID }
	peercertReq    struct{}
	infoReq        struct{}
)
