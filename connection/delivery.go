// Delivery of application data to the owner: active modes, packet framing,
// passive Recv, and the socket calls served in the connection state.
package connection

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"

	pa "github.com/asynkron/protoactor-go/actor"

	"github.com/erlang-ssl-go/ssl/record"
	"github.com/erlang-ssl-go/ssl/statem"
)

// Flow control: the reader goroutine reads ahead at most activeWindow
// records while the owner takes data, and only while the owner wants data
// (active, or a pending Recv). That is the backpressure down to TCP. Past
// maxBuffered undelivered bytes it reads one record at a time.
const (
	activeWindow = 4
	maxBuffered  = 256 << 10
)

// ErrPacketTooLarge is sent when a length-prefixed packet exceeds the limit.
var ErrPacketTooLarge = errors.New("emsgsize: packet too large")

// maxPacket bounds {packet, 4} lengths a peer can make us buffer.
const maxPacket = 64 << 20

// wantData says whether the reader should read more application data.
func (c *conn) wantData() int {
	if c.peerClosed || c.readShut {
		return 0
	}
	want := 0
	if c.opts.Active.Kind != ActiveFalseKind {
		want = activeWindow
	} else if c.pendingRecv != nil {
		want = 1
	}
	if want > 0 && len(c.buf) >= maxBuffered {
		// deliver has sent every whole packet, so what is buffered is one
		// packet (or Recv length) not yet complete: only reading on can
		// finish it, and nextPacket bounds it by maxPacket. Stopping here
		// would stall any packet larger than maxBuffered for good.
		want = 1
	}
	return want
}

// refill tops the reader's credit up to what the current mode wants.
func (c *conn) refill() {
	if c.reader == nil {
		return
	}
	target := 1
	if c.hs == nil {
		target = c.wantData()
	}
	if n := target - c.credit; n > 0 {
		c.credit += n
		c.reader.Grant(n)
	}
}

// nextPacket cuts one deliverable packet from c.buf per the packet option,
// or returns nil when none is complete yet.
func (c *conn) nextPacket(length int) ([]byte, error) {
	switch c.opts.Packet {
	case PacketRaw:
		if len(c.buf) == 0 {
			return nil, nil
		}
		n := len(c.buf)
		if length > 0 {
			if n < length {
				return nil, nil
			}
			n = length
		}
		return c.cut(n), nil
	case Packet1, Packet2, Packet4:
		h := int(c.opts.Packet)
		if len(c.buf) < h {
			return nil, nil
		}
		var n int
		switch h {
		case 1:
			n = int(c.buf[0])
		case 2:
			n = int(binary.BigEndian.Uint16(c.buf))
		case 4:
			n = int(binary.BigEndian.Uint32(c.buf))
			if n > maxPacket || n < 0 {
				return nil, ErrPacketTooLarge
			}
		}
		if len(c.buf) < h+n {
			return nil, nil
		}
		c.cut(h)
		if n == 0 {
			return []byte{}, nil // an empty packet is a packet, not "none yet"
		}
		return c.cut(n), nil
	case PacketLine:
		i := bytes.IndexByte(c.buf, '\n')
		if i < 0 {
			if len(c.buf) >= maxPacket {
				return nil, ErrPacketTooLarge
			}
			return nil, nil
		}
		return c.cut(i + 1), nil
	}
	return nil, nil
}

// cut removes n bytes from the front of c.buf and returns them in a fresh
// slice owned by the receiver.
func (c *conn) cut(n int) []byte {
	if n == len(c.buf) {
		// Hand the whole buffer over and start a new one: no copy.
		p := c.buf
		c.buf = nil
		return p
	}
	p := make([]byte, n)
	copy(p, c.buf)
	// Advance past the packet instead of moving the rest to the front:
	// many small packets in a large buffer would otherwise cost a copy of
	// the whole remainder each. append reallocates when the tail is used up.
	c.buf = c.buf[n:]
	return p
}

// deliver sends what can be delivered now: to the owner in active mode, or
// to a pending Recv in passive mode.
func (c *conn) deliver() {
	for c.opts.Active.Kind != ActiveFalseKind && len(c.buf) > 0 {
		p, err := c.nextPacket(0)
		if err != nil {
			c.failDelivery(err)
			return
		}
		if p == nil {
			return
		}
		c.sendData(p)
		c.countDelivery()
	}
	if c.pendingRecv != nil && len(c.buf) > 0 {
		p, err := c.nextPacket(c.pendingRecv.length)
		if err != nil {
			c.replyRecv(nil, err)
			return
		}
		if p != nil {
			c.replyRecv(p, nil)
		}
	}
}

// countDelivery applies {active, once} and {active, N} after one Data.
func (c *conn) countDelivery() {
	switch c.opts.Active.Kind {
	case ActiveOnceKind:
		c.opts.Active = Active{Kind: ActiveFalseKind}
	case ActiveNKind:
		c.opts.Active.N--
		if c.opts.Active.N <= 0 {
			c.opts.Active = Active{Kind: ActiveFalseKind}
			c.env.Send(c.opts.Owner, &Passive{Socket: c.sock})
		}
	}
}

// zeroCopy says whether a whole record can go to the owner as it is:
// active, raw packets, binary mode, no header, nothing buffered before it.
func (c *conn) zeroCopy() bool {
	return c.opts.Active.Kind != ActiveFalseKind && len(c.buf) == 0 &&
		c.opts.Packet == PacketRaw && c.opts.Mode == ModeBinary && c.opts.Header == 0
}

// sendRecord delivers plaintext pt that lives in the pooled record buffer
// rec, handing the buffer's ownership to the owner.
func (c *conn) sendRecord(pt, rec []byte) {
	c.env.Send(c.opts.Owner, &Data{Socket: c.sock, Bytes: pt, pooled: rec})
	c.countDelivery()
}

// failDelivery tells the owner of an invalid packet; HandleEvent then
// stops the connection without a second report.
func (c *conn) failDelivery(err error) {
	c.env.Send(c.opts.Owner, &Error{Socket: c.sock, Reason: err})
	c.buf = nil
	c.readShut = true
	c.deliveryFailed = true
}

func (c *conn) sendData(p []byte) {
	d := &Data{Socket: c.sock}
	if c.opts.Mode == ModeList {
		d.Text = string(p)
		d.Bytes = p
	} else if c.opts.Header > 0 {
		h := c.opts.Header
		if h > len(p) {
			h = len(p)
		}
		d.Header, d.Bytes = p[:h], p[h:]
	} else {
		d.Bytes = p
	}
	c.env.Send(c.opts.Owner, d)
}

func (c *conn) replyRecv(p []byte, err error) {
	from := c.pendingFrom
	c.pendingRecv, c.pendingFrom = nil, nil
	if err != nil {
		from.Reply(err)
		return
	}
	from.Reply(p)
}

// recvTimedOut answers the Recv that armed the timer, if still pending.
func (c *conn) recvTimedOut(req any) statem.Result {
	if r, ok := req.(*recvReq); ok && r == c.pendingRecv {
		c.replyRecv(nil, ErrTimeout)
	}
	return statem.Keep()
}

// onCall serves the socket calls in the connection state.
func (c *conn) onCall(from statem.From, req any) statem.Result {
	switch r := req.(type) {
	case *recvReq:
		if c.opts.Active.Kind != ActiveFalseKind {
			from.Reply(ErrNotPassive)
			return statem.Keep()
		}
		if c.pendingRecv != nil {
			from.Reply(ErrAlready)
			return statem.Keep()
		}
		c.pendingRecv, c.pendingFrom = r, from
		c.deliver()
		if c.pendingRecv == nil {
			return c.afterPassiveRead()
		}
		if c.peerClosed || c.readShut {
			c.replyRecv(nil, ErrClosed)
			return c.afterPassiveRead()
		}
		c.refill()
		if r.timeout > 0 {
			// The timer carries its request: a timer left over from an
			// earlier, answered Recv must not time out a later one.
			return statem.Keep(statem.SetGenericTimeout("recv", r.timeout, r))
		}
		return statem.Keep()
	case *setoptsReq:
		next := c.opts
		activeGiven := false
		for _, o := range r.opts {
			if err := o.Apply(&next); err != nil {
				from.Reply(err)
				return statem.Keep()
			}
			activeGiven = activeGiven || o.Name == "active"
		}
		if activeGiven && next.Active.Kind == ActiveNKind {
			// {active, N} adds to the current count (gen_tcp semantics);
			// a Setopts without the active option leaves the count alone.
			if c.opts.Active.Kind == ActiveNKind {
				next.Active.N += c.opts.Active.N
			}
			if next.Active.N <= 0 {
				next.Active = Active{Kind: ActiveFalseKind}
				c.opts = next
				c.out.packet.Store(int32(next.Packet))
				from.Reply(nil)
				c.env.Send(c.opts.Owner, &Passive{Socket: c.sock})
				return statem.Keep()
			}
		}
		if next.Active.Kind != ActiveFalseKind && next.Owner == nil {
			from.Reply(errors.New("einval: active mode needs an owner (option owner)"))
			return statem.Keep()
		}
		c.opts = next
		c.out.packet.Store(int32(next.Packet))
		from.Reply(nil)
		c.deliver()
		if c.peerClosed && c.opts.Active.Kind != ActiveFalseKind && len(c.buf) == 0 {
			return c.stop(errPeerClosed)
		}
		c.refill()
		return statem.Keep()
	case *getoptsReq:
		from.Reply(c.opts)
		return statem.Keep()
	case *controllingReq:
		if !samePID(r.caller, c.opts.Owner) {
			from.Reply(ErrNotOwner)
			return statem.Keep()
		}
		if c.opts.Owner != nil {
			c.env.Unwatch(c.opts.Owner)
		}
		c.opts.Owner = r.owner
		if r.owner != nil {
			c.env.Watch(r.owner)
		} else if c.opts.Active.Kind != ActiveFalseKind {
			c.opts.Active = Active{Kind: ActiveFalseKind}
		}
		from.Reply(nil)
		return statem.Keep()
	case *peercertReq:
		if len(c.peerCerts) == 0 {
			from.Reply(errors.New("no_peercert"))
			return statem.Keep()
		}
		from.Reply(append([]byte(nil), c.peerCerts[0]...))
		return statem.Keep()
	case *infoReq:
		from.Reply(Info{Protocol: c.version, CipherSuite: c.suite, SNIHostname: c.sniHostname})
		return statem.Keep()
	case *closeReq:
		c.sendAlert(record.LevelWarning, record.AlertCloseNotify)
		from.Reply(nil)
		return c.stop(errNormal)
	case *shutdownReq:
		if r.how == ShutdownRead || r.how == ShutdownReadWrite {
			c.readShut = true
			c.buf = nil
			if c.pendingRecv != nil {
				c.replyRecv(nil, ErrClosed) // nothing more will be read
			}
		}
		if r.how == ShutdownWrite || r.how == ShutdownReadWrite {
			c.sendAlert(record.LevelWarning, record.AlertCloseNotify)
			raw := c.raw
			c.writer.Do(func(io.Writer) error {
				if cw, ok := raw.(interface{ CloseWrite() error }); ok {
					// Best effort: if the peer is already gone (ENOTCONN),
					// the reader reports the end; a failed half-close must
					// not become the writer's sticky error.
					_ = cw.CloseWrite()
				}
				return nil
			})
		}
		from.Reply(nil)
		if r.how == ShutdownReadWrite {
			return c.stop(errNormal)
		}
		return statem.Keep()
	}
	from.Reply(errors.New("einval: unknown request"))
	return statem.Keep()
}

// afterPassiveRead stops a peer-closed connection once its buffered data
// has been read.
func (c *conn) afterPassiveRead() statem.Result {
	if c.peerClosed && len(c.buf) == 0 {
		return c.stop(errPeerClosed)
	}
	c.refill()
	return statem.Keep()
}

func samePID(a, b *pa.PID) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(b)
}
